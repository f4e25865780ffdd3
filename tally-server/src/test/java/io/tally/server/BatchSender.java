package io.tally.server;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Base64;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A client that behaves as Segment's libraries do under failure: a batch that does not get a 200
 * (503, connection refused, timeout) is sent again with the same messageIds until it does. It
 * records which messageIds the server accepted, which is what the exactly-once check compares with.
 */
final class BatchSender implements AutoCloseable {
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();
    private final String url;
    private final String authorization;
    private final String prefix;
    private final Set<String> accepted = ConcurrentHashMap.newKeySet();
    private final AtomicInteger batchesSent = new AtomicInteger();
    private final AtomicInteger failedAttempts = new AtomicInteger();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private volatile String target;
    private final Thread thread;

    BatchSender(String url, String writeKey, String prefix) {
        this.url = url;
        this.target = url;
        this.authorization = "Basic " + Base64.getEncoder().encodeToString((writeKey + ":").getBytes());
        this.prefix = prefix;
        this.thread = new Thread(this::run, "test-batch-sender");
    }

    BatchSender start() {
        thread.start();
        return this;
    }

    private void run() {
        for (int batch = 0; running.get(); batch++) {
            String body = body(batch);
            // once sent, a batch is retried until accepted, even while stopping: a batch the server
            // stored but never confirmed would otherwise be uncounted
            while (true) {
                if (send(body)) {
                    for (int i = 0; i < 100; i++) {
                        accepted.add(id(batch, i));
                    }
                    batchesSent.incrementAndGet();
                    break;
                }
                failedAttempts.incrementAndGet();
                sleep(200);
            }
        }
    }

    private boolean send(String body) {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(target + "/v1/batch"))
                    .header("Authorization", authorization).header("Content-Type", "application/json")
                    .timeout(Duration.ofSeconds(20))
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 && response.body().contains("\"rejected\":0");
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private String body(int batch) {
        StringBuilder json = new StringBuilder("{\"batch\":[");
        for (int i = 0; i < 100; i++) {
            if (i > 0) {
                json.append(',');
            }
            json.append("{\"type\":\"track\",\"event\":\"crash_test\",\"userId\":\"user-").append((batch * 100 + i) % 500)
                    .append("\",\"messageId\":\"").append(id(batch, i))
                    .append("\",\"timestamp\":\"2026-02-03T04:05:06Z\",\"properties\":{\"batch\":").append(batch).append("}}");
        }
        return json.append("]}").toString();
    }

    private String id(int batch, int i) {
        return prefix + "-" + batch + "-" + i;
    }

    int batchesSent() {
        return batchesSent.get();
    }

    int failedAttempts() {
        return failedAttempts.get();
    }

    Set<String> accepted() {
        return accepted;
    }

    /** Stops after the batch in flight has been accepted, so every counted id is acknowledged. */
    @Override
    public void close() {
        running.set(false);
        try {
            thread.join(180_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
