package io.tally.server.browser;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;

/**
 * A stand-in collector for testing tally.js alone: it serves the snippet and test pages, records every
 * batch the snippet posts, and answers with the statuses a test lines up (then 200), so that retries
 * and the queue bound can be watched without a real server.
 */
final class FakeCollector implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final Map<String, String> pages = new ConcurrentHashMap<>();
    private final List<JsonNode> batches = java.util.Collections.synchronizedList(new ArrayList<>());
    private final ConcurrentLinkedQueue<Integer> statuses = new ConcurrentLinkedQueue<>();
    private volatile int defaultStatus = 200;
    private final byte[] script;

    FakeCollector() {
        try (InputStream in = FakeCollector.class.getClassLoader().getResourceAsStream("io/tally/collector/tally.js")) {
            script = in.readAllBytes();
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "fake-collector");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/", this::handle);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Serves {@code html} at {@code path}; returns the page's URL. */
    String page(String path, String html) {
        pages.put(path, html);
        return url() + path;
    }

    /** The next batches are answered with these statuses, in order. */
    void answerNext(Integer... codes) {
        statuses.addAll(List.of(codes));
    }

    /** Every batch is answered with {@code status} until changed. */
    void answerAlways(int status) {
        defaultStatus = status;
    }

    /** Every batch body posted so far, including the refused ones. */
    List<JsonNode> batches() {
        synchronized (batches) {
            return List.copyOf(batches);
        }
    }

    void clear() {
        batches.clear();
        statuses.clear();
        defaultStatus = 200;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            if (exchange.getRequestMethod().equals("POST") && path.equals("/v1/batch")) {
                batches.add(JSON.readTree(exchange.getRequestBody().readAllBytes()));
                Integer next = statuses.poll();
                int status = next == null ? defaultStatus : next;
                respond(exchange, status, "application/json", ("{\"success\":" + (status == 200) + "}").getBytes(UTF_8));
            } else if (path.equals("/tally.js")) {
                respond(exchange, 200, "application/javascript", script);
            } else if (pages.containsKey(path)) {
                respond(exchange, 200, "text/html; charset=utf-8", pages.get(path).getBytes(UTF_8));
            } else {
                respond(exchange, 404, "text/plain", "not found".getBytes(UTF_8));
            }
        }
    }

    private static void respond(HttpExchange exchange, int status, String type, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(status, body.length);
        exchange.getResponseBody().write(body);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
