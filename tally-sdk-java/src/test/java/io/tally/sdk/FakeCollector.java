package io.tally.sdk;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.zip.GZIPInputStream;

/**
 * A collector that speaks the batch endpoint honestly: it decodes gzip, parses the batch, records
 * every request, and answers as its {@link Responder} says — by default accepting everything with
 * per-event results, as Tally's collector does.
 */
final class FakeCollector implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();

    /** One request as the server saw it. */
    record Request(Map<String, List<String>> headers, byte[] rawBody, byte[] body, JsonNode json) {
        String header(String name) {
            return headers.entrySet().stream()
                    .filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().get(0))
                    .findFirst().orElse(null);
        }

        List<JsonNode> messages() {
            List<JsonNode> messages = new ArrayList<>();
            json.path("batch").forEach(messages::add);
            return messages;
        }

        List<String> messageIds() {
            return messages().stream().map(m -> m.path("messageId").asText()).toList();
        }
    }

    /** What to answer; {@code null} status means: close the connection without any answer. */
    record Reply(Integer status, Map<String, String> headers, String body) {
        static Reply of(int status, String body) {
            return new Reply(status, Map.of(), body);
        }

        static Reply dropConnection() {
            return new Reply(null, Map.of(), "");
        }
    }

    @FunctionalInterface
    interface Responder {
        /** @param number 1 for the first request this collector received, 2 for the next, ... */
        Reply reply(Request request, int number) throws Exception;
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final List<String> acceptedIds = new CopyOnWriteArrayList<>();
    private volatile Responder responder = (request, number) -> acceptAll(request);

    private FakeCollector(int port) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
        server.createContext("/v1/batch", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    static FakeCollector start() throws IOException {
        return new FakeCollector(0);
    }

    /** Binds the given port, e.g. to come back where a stopped collector was. */
    static FakeCollector startOn(int port) throws IOException {
        return new FakeCollector(port);
    }

    int port() {
        return server.getAddress().getPort();
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + port());
    }

    FakeCollector respondWith(Responder responder) {
        this.responder = responder;
        return this;
    }

    List<Request> requests() {
        return List.copyOf(requests);
    }

    /** Message ids this collector answered as accepted, in order, duplicates included. */
    List<String> acceptedIds() {
        return List.copyOf(acceptedIds);
    }

    List<Integer> batchSizes() {
        return requests.stream().map(r -> r.messages().size()).toList();
    }

    /** Accepts every message, except those for which the event name is "invalid". */
    static Reply acceptAll(Request request) {
        ObjectNode body = JSON.createObjectNode();
        ArrayNode results = JSON.createArrayNode();
        int accepted = 0;
        List<JsonNode> messages = request.messages();
        for (int i = 0; i < messages.size(); i++) {
            JsonNode message = messages.get(i);
            ObjectNode result = results.addObject()
                    .put("index", i)
                    .put("messageId", message.path("messageId").asText());
            if ("invalid".equals(message.path("event").asText())) {
                result.put("status", "rejected");
                result.putObject("error").put("code", "invalid_event").put("message", "event 'invalid' is not in the tracking plan");
            } else {
                result.put("status", "accepted");
                accepted++;
            }
        }
        body.put("success", true).put("accepted", accepted).put("rejected", messages.size() - accepted);
        body.set("results", results);
        return Reply.of(200, body.toString());
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] raw = exchange.getRequestBody().readAllBytes();
            boolean gzipped = "gzip".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Content-Encoding"));
            byte[] body = gzipped ? gunzip(raw) : raw;
            Request request = new Request(Map.copyOf(exchange.getRequestHeaders()), raw, body, JSON.readTree(body));
            requests.add(request);
            Reply reply = responder.reply(request, requests.size());
            if (reply.status() == null) {
                return; // closing the exchange before any response headers drops the connection
            }
            rememberAccepted(reply);
            reply.headers().forEach((name, value) -> exchange.getResponseHeaders().add(name, value));
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            byte[] answer = reply.body().getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(reply.status(), answer.length == 0 ? -1 : answer.length);
            if (answer.length > 0) {
                exchange.getResponseBody().write(answer);
            }
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException(e);
        }
    }

    private void rememberAccepted(Reply reply) throws IOException {
        if (reply.status() != 200) {
            return;
        }
        for (JsonNode result : JSON.readTree(reply.body()).path("results")) {
            if ("accepted".equals(result.path("status").asText())) {
                acceptedIds.add(result.path("messageId").asText());
            }
        }
    }

    private static byte[] gunzip(byte[] raw) {
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(raw))) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Stops at once; connections in progress are dropped. */
    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
