package io.tally.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The endpoints behind the dashboard and the browser snippet, over HTTP: saved insights and dashboards,
 * the live view's latest events and ingestion health, the page's assets, {@code /tally.js} and CORS.
 */
class DashboardApiTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static final String READ = "Bearer rk_dash";
    private static final String WRITE = "Basic " + Base64.getEncoder().encodeToString("wk_dash:".getBytes());
    private static final String TREND = "{\"kind\":\"trends\",\"series\":[{\"event\":\"signup\",\"math\":\"total\"}],\"dateFrom\":\"-7d\"}";

    @TempDir
    static Path dataDir;
    static TallyServer server;

    @BeforeAll
    static void start() throws Exception {
        server = TallyServer.start(ServerSettings.defaults(dataDir).withPort(0).withHost("127.0.0.1").withKeys("wk_dash", "rk_dash"));
        Instant now = Instant.now();
        String batch = "{\"batch\":["
                + "{\"type\":\"track\",\"event\":\"signup\",\"userId\":\"u1\",\"messageId\":\"m1\",\"timestamp\":\"" + now.minusSeconds(30) + "\",\"properties\":{\"plan\":\"pro\",\"price\":9.50}},"
                + "{\"type\":\"page\",\"name\":\"Pricing\",\"anonymousId\":\"a1\",\"messageId\":\"m2\",\"timestamp\":\"" + now.minusSeconds(20) + "\"},"
                + "{\"type\":\"track\",\"event\":\"\",\"userId\":\"u2\",\"messageId\":\"m3\"},"
                // over the 32 KB limit of one event
                + "{\"type\":\"track\",\"event\":\"huge\",\"userId\":\"u3\",\"messageId\":\"m4\",\"properties\":{\"blob\":\"" + "x".repeat(40_000) + "\"}}]}";
        HttpResponse<String> sent = send("POST", "/v1/batch", batch, WRITE);
        assertThat(sent.statusCode()).as(sent.body()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(30)).until(() -> json("GET", "/v1/projects/default/events/latest", null).path("events").size() == 2);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void insightsAreSavedListedChangedAndDeleted() throws Exception {
        HttpResponse<String> created = send("POST", "/v1/projects/default/insights",
                "{\"name\":\"Signups\",\"query\":" + TREND + ",\"chart\":\"bar\"}", READ);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        JsonNode insight = JSON.readTree(created.body());
        String id = insight.path("id").asText();
        assertThat(insight.path("query")).isEqualTo(JSON.readTree(TREND));
        assertThat(insight.path("chart").asText()).isEqualTo("bar");

        JsonNode changed = json("PUT", "/v1/projects/default/insights/" + id, "{\"name\":\"  Signups per day \",\"query\":" + TREND + "}");
        assertThat(changed.path("name").asText()).isEqualTo("Signups per day");
        assertThat(changed.path("chart").asText()).as("a trend's chart defaults to line").isEqualTo("line");
        assertThat(json("GET", "/v1/projects/default/insights/" + id, null).path("name").asText()).isEqualTo("Signups per day");
        assertThat(json("GET", "/v1/projects/default/insights", null).path("insights").findValuesAsText("id")).contains(id);

        JsonNode put = json("PUT", "/v1/projects/default/insights/my-funnel",
                "{\"name\":\"Funnel\",\"query\":{\"kind\":\"funnel\",\"steps\":[\"signup\",\"buy\"]}}");
        assertThat(put.path("id").asText()).isEqualTo("my-funnel");
        assertThat(put.has("chart")).isFalse();

        assertThat(send("DELETE", "/v1/projects/default/insights/" + id, null, READ).statusCode()).isEqualTo(204);
        assertError(send("GET", "/v1/projects/default/insights/" + id, null, READ), 404, "not_found", null);
        assertError(send("DELETE", "/v1/projects/default/insights/" + id, null, READ), 404, "not_found", null);
    }

    @Test
    void dashboardsHoldExistingInsightsAndLoseDeletedOnes() throws Exception {
        String a = json("POST", "/v1/projects/default/insights", "{\"name\":\"A\",\"query\":" + TREND + "}").path("id").asText();
        String b = json("POST", "/v1/projects/default/insights", "{\"name\":\"B\",\"query\":" + TREND + "}").path("id").asText();
        HttpResponse<String> created = send("POST", "/v1/projects/default/dashboards", "{\"name\":\"Overview\",\"insights\":[\"" + a + "\",\"" + b + "\"]}", READ);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String board = JSON.readTree(created.body()).path("id").asText();

        assertError(send("PUT", "/v1/projects/default/dashboards/" + board, "{\"name\":\"Overview\",\"insights\":[\"nope\"]}", READ),
                400, "invalid_request", "insights[0]");
        assertError(send("PUT", "/v1/projects/default/dashboards/" + board, "{\"name\":\"Overview\",\"insights\":[\"" + a + "\",\"" + a + "\"]}", READ),
                400, "invalid_request", "insights");

        send("DELETE", "/v1/projects/default/insights/" + a, null, READ);
        JsonNode after = json("GET", "/v1/projects/default/dashboards/" + board, null);
        assertThat(after.path("insights").size()).isEqualTo(1);
        assertThat(after.path("insights").get(0).asText()).isEqualTo(b);
        assertThat(json("GET", "/v1/projects/default/dashboards", null).path("dashboards").findValuesAsText("id")).contains(board);
        assertThat(send("DELETE", "/v1/projects/default/dashboards/" + board, null, READ).statusCode()).isEqualTo(204);
    }

    @Test
    void badInsightsAre400WithTheField() throws Exception {
        String path = "/v1/projects/default/insights";
        assertError(send("POST", path, "{\"query\":" + TREND + "}", READ), 400, "invalid_request", "name");
        assertError(send("POST", path, "{\"name\":\"x\"}", READ), 400, "invalid_request", "query");
        assertError(send("POST", path, "{\"name\":\"x\",\"query\":{\"kind\":\"trends\",\"series\":[{\"event\":\"a\",\"math\":\"most\"}]}}", READ),
                400, "invalid_query", "query.series[0].math");
        assertError(send("POST", path, "{\"name\":\"x\",\"query\":{\"kind\":\"cohorts\"}}", READ), 400, "invalid_query", "query.kind");
        assertError(send("POST", path, "{\"name\":\"x\",\"query\":{\"kind\":\"funnel\",\"steps\":[\"a\",\"b\"]},\"chart\":\"bar\"}", READ),
                400, "invalid_request", "chart");
        assertError(send("POST", path, "{\"name\":\"x\",\"query\":" + TREND + ",\"colour\":\"red\"}", READ), 400, "invalid_request", "colour");
        assertError(send("POST", path, "{\"name\":\"" + "x".repeat(201) + "\",\"query\":" + TREND + "}", READ), 400, "invalid_request", "name");
        assertError(send("POST", path, "{\"name\":", READ), 400, "invalid_json", null);
        assertError(send("POST", path, "[1]", READ), 400, "invalid_request", null);
        assertError(send("PUT", path + "/bad%20id", "{\"name\":\"x\",\"query\":" + TREND + "}", READ), 400, "invalid_request", "id");
        assertError(send("POST", path, "{\"name\":\"" + "x".repeat(70_000) + "\"}", READ), 413, "body_too_large", null);
    }

    @Test
    void savedInsightsNeedTheProjectsReadKey() throws Exception {
        HttpResponse<String> noKey = send("GET", "/v1/projects/default/insights", null, null);
        assertError(noKey, 401, "unauthorized", null);
        // a Basic challenge would make browsers open a password dialog instead of letting the page handle it
        assertThat(noKey.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"tally\"");
        assertThat(send("POST", "/v1/projects/default/query", TREND, "Bearer nope").headers().firstValue("WWW-Authenticate"))
                .hasValue("Bearer realm=\"tally\"");
        assertError(send("GET", "/v1/projects/default/insights", null, "Bearer wk_dash"), 401, "unauthorized", null);
        assertError(send("GET", "/v1/projects/other/dashboards", null, READ), 403, "forbidden", null);
        assertError(send("GET", "/v1/projects/other/events/latest", null, READ), 403, "forbidden", null);
        assertError(send("GET", "/v1/projects/default/ingestion", null, null), 401, "unauthorized", null);
    }

    @Test
    void latestEventsAreNewestFirstWithTheirProperties() throws Exception {
        JsonNode answer = json("GET", "/v1/projects/default/events/latest?limit=10", null);
        JsonNode events = answer.path("events");
        assertThat(events.size()).isEqualTo(2);
        // one batch, one receive time: the later event comes first
        assertThat(events.get(0).path("messageId").asText()).isEqualTo("m2");
        assertThat(events.get(0).path("type").asText()).isEqualTo("page");
        assertThat(events.get(0).path("name").asText()).isEqualTo("Pricing");
        assertThat(events.get(1).path("event").asText()).isEqualTo("signup");
        assertThat(events.get(1).path("distinctId").asText()).isEqualTo("u1");
        assertThat(events.get(1).path("properties").path("price").asText()).isEqualTo("9.50");
        assertThat(answer.path("meta").path("store").asText()).isEqualTo("duckdb");
        assertThat(answer.path("meta").path("completeUpTo").asText()).isNotEmpty();
        assertThat(json("GET", "/v1/projects/default/events/latest?limit=1", null).path("events").size()).isEqualTo(1);
        assertThat(json("GET", "/v1/projects/default/events/latest?since=" + Instant.now().plusSeconds(60), null).path("events").size()).isZero();

        assertError(send("GET", "/v1/projects/default/events/latest?limit=0", null, READ), 400, "invalid_request", "limit");
        assertError(send("GET", "/v1/projects/default/events/latest?limit=many", null, READ), 400, "invalid_request", "limit");
        assertError(send("GET", "/v1/projects/default/events/latest?since=yesterday", null, READ), 400, "invalid_request", "since");
        assertError(send("GET", "/v1/projects/default/events/latest?since=2001-01-01T00:00:00Z", null, READ), 400, "invalid_request", "since");
    }

    @Test
    void ingestionHealthCountsAcceptedAndRejectedByReasonAndHasARate() throws Exception {
        // other tests send events too: wait until the loader has caught up with them
        await().atMost(Duration.ofSeconds(30)).until(() -> json("GET", "/v1/projects/default/ingestion", null).path("lagEvents").asLong() == 0);
        JsonNode first = json("GET", "/v1/projects/default/ingestion", null);
        assertThat(first.path("scope").asText()).isEqualTo("process");
        assertThat(first.path("collector").path("accepted").asLong()).isGreaterThanOrEqualTo(2);
        assertThat(first.path("collector").path("rejectedByReason").path("invalid_event").asLong()).isGreaterThanOrEqualTo(1);
        assertThat(first.path("collector").path("rejected").asLong()).isGreaterThanOrEqualTo(1);
        assertThat(first.path("loader").path("stored").asLong()).isGreaterThanOrEqualTo(2);
        assertThat(first.path("completeUpTo").asText()).isNotEmpty();
        Thread.sleep(700);
        JsonNode second = json("GET", "/v1/projects/default/ingestion", null);
        assertThat(second.path("collector").path("eventsPerSecond").isNumber()).as(second.toString()).isTrue();
        assertThat(second.path("loader").path("storedPerSecond").isNumber()).isTrue();
        // the numbers are the ones /metrics shows
        String metrics = send("GET", "/metrics", null, null).body();
        assertThat(metrics).contains("tally_collector_events_accepted_total " + second.path("collector").path("accepted").asLong() + ".0");
    }

    /** A refused event is kept with its reason on the dead-letter topic, and the project can list it. */
    @Test
    void refusedEventsAreKeptWithTheirReason() throws Exception {
        await().atMost(Duration.ofSeconds(30)).until(() -> json("GET", "/v1/projects/default/rejected?since=2020-01-01", null).path("count").asInt() >= 2);
        JsonNode rejected = json("GET", "/v1/projects/default/rejected?since=2020-01-01", null).path("rejected");
        JsonNode invalid = null;
        JsonNode tooLarge = null;
        for (JsonNode item : rejected) {
            if (item.path("messageId").asText().equals("m3")) {
                invalid = item;
            } else if (item.path("messageId").asText().equals("m4")) {
                tooLarge = item;
            }
        }
        assertThat(invalid).as(rejected.toString()).isNotNull();
        assertThat(invalid.path("code").asText()).isEqualTo("invalid_event");
        assertThat(invalid.path("reason").asText()).contains("event");
        assertThat(tooLarge).as(rejected.toString()).isNotNull();
        assertThat(tooLarge.path("code").asText()).isEqualTo("event_too_large");
        assertThat(tooLarge.path("reason").asText()).contains("32");
    }

    /** Every stage of the pipeline shows on /metrics with the numbers of what it did (issue 2, item 8). */
    @Test
    void metricsShowEveryStageOfThePipeline() throws Exception {
        await().atMost(Duration.ofSeconds(30)).until(() -> json("GET", "/v1/projects/default/ingestion", null).path("lagEvents").asLong() == 0);
        String metrics = send("GET", "/metrics", null, null).body();

        double received = sample(metrics, "tally_collector_events_received_total");
        double accepted = sample(metrics, "tally_collector_events_accepted_total");
        double rejected = sample(metrics, "tally_collector_events_rejected_total{reason=\"invalid_event\"}");
        assertThat(accepted).isGreaterThanOrEqualTo(2);
        assertThat(rejected).isGreaterThanOrEqualTo(1);
        assertThat(received).isGreaterThanOrEqualTo(accepted + rejected);
        assertThat(sample(metrics, "tally_kafka_produce_latency_seconds_count")).isGreaterThanOrEqualTo(1);
        assertThat(sample(metrics, "tally_loader_lag_events")).isZero();
        assertThat(sample(metrics, "tally_loader_batch_size_count")).isGreaterThanOrEqualTo(1);
        assertThat(sample(metrics, "tally_loader_batch_size_sum")).isGreaterThanOrEqualTo(accepted);
        assertThat(sample(metrics, "tally_loader_batch_latency_seconds_count")).isGreaterThanOrEqualTo(1);
        assertThat(sample(metrics, "tally_event_freshness_seconds_count")).isGreaterThanOrEqualTo(accepted);
    }

    /** The value of the Prometheus sample named {@code name} (with its labels, if any) in {@code text}. */
    private static double sample(String text, String name) {
        for (String line : text.split("\n")) {
            if (line.startsWith(name + " ")) {
                return Double.parseDouble(line.substring(name.length() + 1).trim());
            }
        }
        throw new AssertionError("/metrics has no sample " + name + ":\n" + text);
    }

    @Test
    void theDashboardPageAndItsAssetsComeFromTheJar() throws Exception {
        HttpResponse<String> page = send("GET", "/", null, null);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
        assertThat(page.headers().firstValue("Content-Security-Policy").orElse("")).contains("default-src 'self'");
        assertThat(page.body()).contains("/dashboard/app.js", "/dashboard/vendor/echarts.min.js").doesNotContain("https://");
        HttpResponse<String> app = send("GET", "/dashboard/app.js", null, null);
        assertThat(app.statusCode()).isEqualTo(200);
        assertThat(app.headers().firstValue("Content-Type").orElse("")).startsWith("application/javascript");
        HttpResponse<String> echarts = send("GET", "/dashboard/vendor/echarts.min.js", null, null);
        assertThat(echarts.statusCode()).isEqualTo(200);
        assertThat(echarts.body().length()).isGreaterThan(500_000);
        String etag = app.headers().firstValue("ETag").orElseThrow();
        HttpResponse<String> again = HTTP.send(HttpRequest.newBuilder(URI.create(server.url() + "/dashboard/app.js"))
                .header("If-None-Match", etag).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(again.statusCode()).isEqualTo(304);
        assertError(send("GET", "/dashboard/missing.js", null, null), 404, "not_found", null);
        assertError(send("GET", "/dashboard/..%2Fsaved%2FSavedRoutes.class", null, null), 404, "not_found", null);
    }

    @Test
    void theCollectorServesTallyJsAndAnswersBrowsersFromOtherOrigins() throws Exception {
        HttpResponse<String> script = send("GET", "/tally.js", null, null);
        assertThat(script.statusCode()).isEqualTo(200);
        assertThat(script.headers().firstValue("Content-Type").orElse("")).startsWith("application/javascript");
        assertThat(script.headers().firstValue("Cache-Control").orElse("")).contains("max-age");
        assertThat(script.headers().firstValue("ETag")).isPresent();
        assertThat(script.body()).contains("tally.js").hasSizeLessThan(7 * 1024);

        HttpResponse<String> preflight = HTTP.send(HttpRequest.newBuilder(URI.create(server.url() + "/v1/batch"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", "https://shop.example").header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "authorization,content-type").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(preflight.statusCode()).isEqualTo(204);
        assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin")).hasValue("*");
        assertThat(preflight.headers().firstValue("Access-Control-Allow-Methods").orElse("")).contains("POST");
        assertThat(preflight.headers().firstValue("Access-Control-Allow-Headers").orElse("")).containsIgnoringCase("authorization");

        // the snippet's own request: text/plain with the write key in the body needs no preflight
        HttpResponse<String> simple = HTTP.send(HttpRequest.newBuilder(URI.create(server.url() + "/v1/batch"))
                .header("Origin", "https://shop.example").header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString("{\"writeKey\":\"wk_dash\",\"batch\":[{\"type\":\"track\",\"event\":\"cors\",\"anonymousId\":\"x\"}]}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(simple.statusCode()).as(simple.body()).isEqualTo(200);
        assertThat(simple.headers().firstValue("Access-Control-Allow-Origin")).hasValue("*");
        HttpResponse<String> refused = HTTP.send(HttpRequest.newBuilder(URI.create(server.url() + "/v1/track"))
                .header("Origin", "https://shop.example").POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(refused.headers().firstValue("Access-Control-Allow-Origin")).as("errors are readable too").hasValue("*");
        // the query API is not opened to other origins
        assertThat(send("GET", "/v1/projects/default/insights", null, READ).headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
    }

    private static void assertError(HttpResponse<String> response, int status, String code, String field) throws IOException {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        JsonNode error = JSON.readTree(response.body()).path("error");
        assertThat(error.path("code").asText()).as(response.body()).isEqualTo(code);
        assertThat(error.path("message").asText()).isNotEmpty();
        if (field != null) {
            assertThat(error.path("field").asText()).as(response.body()).isEqualTo(field);
        }
    }

    private static JsonNode json(String method, String path, String body) throws IOException, InterruptedException {
        HttpResponse<String> response = send(method, path, body, READ);
        assertThat(response.statusCode()).as(method + " " + path + ": " + response.body()).isBetween(200, 201);
        return JSON.readTree(response.body());
    }

    private static HttpResponse<String> send(String method, String path, String body, String authorization)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.url() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
