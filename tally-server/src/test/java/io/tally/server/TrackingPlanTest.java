package io.tally.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
 * A tracking plan end to end, through a real Kafka and DuckDB: registration and its rules over HTTP,
 * enforce and warn at the collector, refused events listed with their reasons, and a replay after the
 * plan is fixed that stores each event once however often it runs.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TrackingPlanTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static final String ADMIN = "ak_test_admin_key_0123456789";
    private static final String SIGNUP_100 = """
            {"version":"1-0-0","schema":{"type":"object","properties":{"plan":{"type":"string","enum":["free","pro"]},
             "seats":{"type":"integer","minimum":1}},"required":["plan"]}}""";

    @TempDir
    static Path dataDir;
    static TallyServer server;

    @BeforeAll
    static void start() {
        server = TallyServer.start(ServerSettings.defaults(dataDir).withPort(0).withHost("127.0.0.1").withKeys("wk_plan", "rk_plan")
                .withSchemas(new SchemaSettings(null, ADMIN)));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    @Order(1)
    void registrationFollowsTheRulesAndExplainsRefusals() throws Exception {
        assertThat(put("/v1/projects/default/schemas/signup", SIGNUP_100, "rk_plan").statusCode()).isEqualTo(401);
        HttpResponse<String> created = put("/v1/projects/default/schemas/signup", SIGNUP_100, ADMIN);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        assertThat(put("/v1/projects/default/schemas/signup", SIGNUP_100, ADMIN).statusCode()).isEqualTo(200);

        HttpResponse<String> breaking = put("/v1/projects/default/schemas/signup", """
                {"version":"1-0-1","schema":{"type":"object","properties":{"plan":{"type":"string","enum":["free","pro"]},
                 "seats":{"type":"integer","minimum":1},"coupon":{"type":"string"}},"required":["plan","coupon"]}}""", ADMIN);
        assertThat(breaking.statusCode()).isEqualTo(409);
        assertThat(JSON.readTree(breaking.body()).path("error").path("message").asText())
                .contains("'coupon' becomes required").contains("Register 2-0-0");

        HttpResponse<String> remote = put("/v1/projects/default/schemas/other", """
                {"version":"1-0-0","schema":{"type":"object","properties":{"a":{"$ref":"http://169.254.169.254/latest"}}}}""", ADMIN);
        assertThat(remote.statusCode()).isEqualTo(400);
        assertThat(remote.body()).contains("invalid_schema").contains("only references inside");
        assertThat(put("/v1/projects/default/schemas/signup", "{\"version\":\"1-0-0\",", ADMIN).statusCode()).isEqualTo(400);
        HttpResponse<String> badVersion = put("/v1/projects/default/schemas/signup", "{\"version\":\"1.0.0\",\"schema\":{}}", ADMIN);
        assertThat(JSON.readTree(badVersion.body()).path("error").path("field").asText()).isEqualTo("version");

        JsonNode listed = JSON.readTree(get("/v1/projects/default/schemas", "rk_plan").body());
        assertThat(listed.path("schemas").path(0).path("event").asText()).isEqualTo("signup");
        assertThat(listed.path("schemas").path(0).path("versions").toString()).isEqualTo("[\"1-0-0\"]");
        assertThat(get("/v1/projects/default/schemas", "wk_plan").statusCode()).isEqualTo(401);
    }

    @Test
    @Order(2)
    void enforceRefusesToTheDeadLetterTopicAndTheReasonsCanBeListed() throws Exception {
        assertThat(put("/v1/projects/default/validation", "{\"mode\":\"enforce\",\"unknownEvents\":\"reject\"}", ADMIN).statusCode())
                .isEqualTo(200);
        JsonNode answer = JSON.readTree(batch("""
                {"batch":[
                 {"type":"track","messageId":"ok-1","userId":"u1","event":"signup","properties":{"plan":"pro","seats":2}},
                 {"type":"track","messageId":"bad-1","userId":"u2","event":"signup","properties":{"plan":"gold"}},
                 {"type":"track","messageId":"unknown-1","userId":"u3","event":"checkout","properties":{}}]}""").body());
        assertThat(answer.path("accepted").asInt()).as(answer.toString()).isEqualTo(1);
        JsonNode bad = answer.path("results").path(1).path("error");
        assertThat(bad.path("code").asText()).isEqualTo("schema_violation");
        assertThat(bad.path("message").asText()).startsWith("signup@1-0-0: /plan");
        assertThat(answer.path("results").path(2).path("error").path("code").asText()).isEqualTo("unknown_event");

        await().atMost(Duration.ofSeconds(30)).until(() -> rejected().path("count").asInt() == 2);
        JsonNode listed = rejected().path("rejected");
        JsonNode violation = listed.path(0).path("messageId").asText().equals("bad-1") ? listed.path(0) : listed.path(1);
        assertThat(violation.path("schema").asText()).isEqualTo("signup@1-0-0");
        assertThat(violation.path("event").asText()).isEqualTo("signup");
        assertThat(violation.path("reason").asText()).contains("/plan");
        assertThat(server.metrics().scrape()).contains("reason=\"schema_violation\"").contains("reason=\"unknown_event\"");
        assertThat(get("/v1/projects/default/rejected?since=yesterday", "rk_plan").statusCode()).isEqualTo(400);
    }

    @Test
    @Order(3)
    void replayAfterFixingThePlanStoresEachEventOnce() throws Exception {
        HttpResponse<String> fixed = put("/v1/projects/default/schemas/signup", """
                {"version":"1-0-1","schema":{"type":"object","properties":{"plan":{"type":"string","enum":["free","pro","gold"]},
                 "seats":{"type":"integer","minimum":1}},"required":["plan"]}}""", ADMIN);
        assertThat(fixed.statusCode()).as(fixed.body()).isEqualTo(201);
        put("/v1/projects/default/validation", "{\"unknownEvents\":\"allow\"}", ADMIN);
        for (int round = 0; round < 2; round++) {
            String[] lines = post("/v1/projects/default/rejected/replay", "{\"since\":\"2020-01-01\"}", ADMIN).body().split("\n");
            JsonNode last = JSON.readTree(lines[lines.length - 1]);
            assertThat(last.path("done").asBoolean()).as(String.join("\n", lines)).isTrue();
            assertThat(last.path("replayed").asInt()).as(String.join("\n", lines)).isEqualTo(2);
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> count("signup") == 2 && count("checkout") == 1);
        // both replays have been loaded once the loader is caught up; nothing doubled
        await().atMost(Duration.ofSeconds(30)).until(() -> query(trends("signup")).path("meta").path("lagEvents").asLong() == 0);
        assertThat(count("signup")).isEqualTo(2);
        assertThat(count("checkout")).isEqualTo(1);
    }

    @Test
    @Order(4)
    void warnAcceptsAndRecordsTheViolationsWithTheEvent() throws Exception {
        put("/v1/projects/default/validation", "{\"mode\":\"warn\"}", ADMIN);
        JsonNode answer = JSON.readTree(batch("""
                {"batch":[{"type":"track","messageId":"warn-1","userId":"u9","event":"signup","properties":{"plan":"platinum"}}]}""").body());
        assertThat(answer.path("accepted").asInt()).isEqualTo(1);
        await().atMost(Duration.ofSeconds(30)).until(() -> count("signup") == 3);
        String flagged = trends("signup").replace("\"interval\"",
                "\"filters\":[{\"property\":\"context.schema\",\"op\":\"eq\",\"value\":\"signup@1-0-1\"}],\"interval\"");
        assertThat(sum(query(flagged))).isEqualTo(1);
        assertThat(server.metrics().scrape()).contains("tally_collector_schema_warnings_total");
    }

    private static String trends(String event) {
        return "{\"kind\":\"trends\",\"series\":[{\"event\":\"" + event + "\",\"math\":\"total\"}],\"interval\":\"month\","
                + "\"dateFrom\":\"2020-01-01\",\"dateTo\":\"2030-12-31\",\"timezone\":\"UTC\"}";
    }

    private static long count(String event) throws Exception {
        return sum(query(trends(event)));
    }

    private static long sum(JsonNode result) {
        long total = 0;
        for (JsonNode v : result.path("series").path(0).path("values")) {
            total += v.asLong();
        }
        return total;
    }

    private static JsonNode query(String body) throws Exception {
        HttpResponse<String> response = post("/v1/projects/default/query", body, "rk_plan");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private static JsonNode rejected() throws Exception {
        return JSON.readTree(get("/v1/projects/default/rejected?since=2020-01-01", "rk_plan").body());
    }

    private static HttpResponse<String> batch(String body) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(server.url() + "/v1/batch"))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString("wk_plan:".getBytes(StandardCharsets.UTF_8)))
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    private static HttpResponse<String> put(String path, String body, String key) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(server.url() + path)).header("Authorization", "Bearer " + key)
                .PUT(HttpRequest.BodyPublishers.ofString(body)));
    }

    private static HttpResponse<String> post(String path, String body, String key) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(server.url() + path)).header("Authorization", "Bearer " + key)
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    private static HttpResponse<String> get(String path, String key) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(server.url() + path)).header("Authorization", "Bearer " + key).GET());
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return HTTP.send(request.header("Content-Type", "application/json").build(), HttpResponse.BodyHandlers.ofString());
    }
}
