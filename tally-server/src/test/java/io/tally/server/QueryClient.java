package io.tally.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Asks a running Tally through its public query API, as a user would. */
final class QueryClient {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final String baseUrl;
    private final String readKey;

    QueryClient(String baseUrl, String readKey) {
        this.baseUrl = baseUrl;
        this.readKey = readKey;
    }

    JsonNode query(String json) {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(baseUrl + "/v1/projects/default/query"))
                    .header("Authorization", "Bearer " + readKey)
                    .header("Content-Type", "application/json")
                    .timeout(Duration.ofSeconds(30))
                    .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("query answered " + response.statusCode() + ": " + response.body());
            }
            return MAPPER.readTree(response.body());
        } catch (IOException e) {
            throw new IllegalStateException("query failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Sum of all buckets of a {@code total} (series 0) and {@code unique_users} (series 1) trend of one event in 2026. */
    long[] totalAndUniqueUsers(String event, String interval) {
        return totalAndUniqueUsers(event, interval, "UTC");
    }

    /**
     * The same in another zone. On ClickHouse a UTC year is answered from the daily rollup, while a zone
     * with a half-hour offset such as Asia/Kolkata makes the store read raw events: comparing the two
     * checks the rollups against the events.
     */
    long[] totalAndUniqueUsers(String event, String interval, String zone) {
        JsonNode result = query("""
                {"kind":"trends","series":[{"event":"%s","math":"total"},{"event":"%s","math":"unique_users"}],
                 "interval":"%s","dateFrom":"2026-01-01","dateTo":"2026-12-31","timezone":"%s"}""".formatted(event, event, interval, zone));
        return new long[] {sum(result.get("series").get(0).get("values")), sum(result.get("series").get(1).get("values"))};
    }

    long total(String event) {
        return totalAndUniqueUsers(event, "month")[0];
    }

    private static long sum(JsonNode values) {
        long sum = 0;
        for (JsonNode v : values) {
            sum += v.asLong();
        }
        return sum;
    }
}
