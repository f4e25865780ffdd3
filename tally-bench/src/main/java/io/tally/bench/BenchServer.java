package io.tally.bench;

import io.tally.testing.TallyProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The server under test: real {@code tally run} in a child JVM with its own heap, plus HTTP helpers. */
final class BenchServer implements AutoCloseable {
    static final String AUTH = "Basic " + Base64.getEncoder().encodeToString((TallyProcess.WRITE_KEY + ":").getBytes());
    private final TallyProcess process;
    private final Path dataDir;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private BenchServer(TallyProcess process, Path dataDir) {
        this.process = process;
        this.dataDir = dataDir;
    }

    static BenchServer start(String heap, String... serverArgs) {
        try {
            Path dir = Files.createTempDirectory("tally-bench");
            System.out.println("starting Tally in a child JVM (" + heap + ", data in " + dir + ")...");
            return new BenchServer(TallyProcess.startWithHeap(dir, TallyProcess.freePort(), heap, serverArgs), dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String url() {
        return process.url();
    }

    /** The admin key the server generated in its data directory. */
    String adminKey() {
        try {
            return Files.readString(dataDir.resolve("admin.key")).trim();
        } catch (IOException e) {
            throw new UncheckedIOException("the server has not written its admin key yet", e);
        }
    }

    /** Sends a JSON request with the admin key; fails unless the answer is 2xx. */
    String admin(String method, String path, String json) {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url() + path)).timeout(Duration.ofSeconds(30))
                    .header("Authorization", "Bearer " + adminKey()).header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() / 100 != 2) {
                throw new IllegalStateException(method + " " + path + " answered " + response.statusCode() + ": " + response.body());
            }
            return response.body();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    ProcessHandle handle() {
        return process.handle();
    }

    String kafka() {
        return process.kafkaBootstrapServers();
    }

    HttpClient http() {
        return http;
    }

    /** Sum of a counter or gauge over all its series in {@code /metrics}. */
    double metric(String name) {
        String text = get("/metrics");
        double sum = 0;
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "(.*?) ([0-9.eE+-]+)$").matcher(text);
        while (m.find()) {
            sum += Double.parseDouble(m.group(2));
        }
        return sum;
    }

    String get(String path) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(url() + path)).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Waits until the loader has read everything in the log, at most {@code limit}. */
    void awaitLoaderCaughtUp(Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline && metric("tally_loader_lag_events") > 0) {
            Thread.sleep(500);
        }
    }

    @Override
    public void close() {
        process.close();
        // a minute of ingest leaves gigabytes of Kafka log and DuckDB file behind
        TempDirectories.deleteQuietly(dataDir);
    }
}
