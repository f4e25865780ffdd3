package io.tally.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tally.testing.TestingKafka;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server on an external Kafka that goes away: events are then refused with 503 and
 * {@code Retry-After} in bounded time (never accepted into nowhere), and health keeps answering.
 *
 * <p>The tests are steps of one story (broker up, broker gone) and run in order.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KafkaOutageTest {
    private static final String WRITE_KEY = "wk_outage";
    private static final String GOOD_TRACK = "{\"userId\": \"user-1\", \"event\": \"signup\"}";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @TempDir
    static Path kafkaDir;
    @TempDir
    static Path dataDir;
    static TestingKafka kafka;
    static TallyServer server;
    static HttpClient http;

    @BeforeAll
    static void start() {
        kafka = TestingKafka.start(kafkaDir);
        server = TallyServer.start(ServerSettings.defaults(dataDir).withPort(0).withHost("127.0.0.1")
                .withKafka(kafka.bootstrapServers())
                .withKeys(WRITE_KEY, "rk_outage"));
        http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    @Order(1)
    void eventIsAcceptedWhileKafkaIsUp() {
        HttpResponse<String> response = send("POST", "/v1/track", GOOD_TRACK);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    }

    @Test
    @Order(2)
    void healthIsOkWhileKafkaIsUp() {
        HttpResponse<String> response = send("GET", "/health", null);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(json(response).get("status").asText()).isEqualTo("ok");
        assertThat(json(response).at("/checks/kafka").asText()).isEqualTo("up");
    }

    @Test
    @Order(3)
    void eventIsRefusedWith503AndRetryAfterOnceKafkaIsGone() {
        kafka.close();

        HttpResponse<String> response = send("POST", "/v1/track", GOOD_TRACK);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(503);
        assertThat(response.headers().firstValue("Retry-After")).hasValueSatisfying(
                seconds -> assertThat(Integer.parseInt(seconds)).isPositive());
        assertThat(json(response).at("/error/code").asText()).isEqualTo("log_unavailable");
        assertThat(json(response).at("/error/message").asText()).isNotBlank();
    }

    @Test
    @Order(4)
    void batchIsRefusedWith503WhileKafkaIsGone() {
        String batch = "{\"batch\": [{\"type\": \"track\", \"userId\": \"u\", \"event\": \"e\"}]}";

        HttpResponse<String> response = send("POST", "/v1/batch", batch);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(503);
        assertThat(response.headers().firstValue("Retry-After")).isPresent();
    }

    @Test
    @Order(5)
    void healthStillAnswersAndReportsKafkaDown() {
        HttpResponse<String> response = send("GET", "/health", null);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(503);
        assertThat(json(response).get("status").asText()).isEqualTo("degraded");
        assertThat(json(response).at("/checks/kafka").asText()).isEqualTo("down");
    }

    @Test
    @Order(6)
    void badRequestsAreStillAnsweredWithoutKafka() {
        HttpResponse<String> response = send("POST", "/v1/track", "{\"userId\": \"u\", \"event\": ");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        assertThat(json(response).at("/error/code").asText()).isEqualTo("invalid_json");
    }

    /** The request timeout bounds how long the server may take to answer; there is no other timing assertion. */
    private static HttpResponse<String> send(String method, String path, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.url() + path))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString((WRITE_KEY + ":").getBytes(StandardCharsets.UTF_8)))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode json(HttpResponse<String> response) {
        try {
            return MAPPER.readTree(response.body());
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + response.body(), e);
        }
    }
}
