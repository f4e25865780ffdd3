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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The query APIs of a running server: REST and GraphQL agree, the cache says what it served, bad questions name their field. */
class QueryApiTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static final String TRENDS = """
            {"kind":"trends","series":[{"event":"signup","math":"total"},{"event":"signup","math":"unique_users"}],
             "interval":"day","dateFrom":"2026-02-01","dateTo":"2026-02-28","timezone":"UTC"}""";

    @TempDir
    static Path dataDir;
    static TallyServer server;

    @BeforeAll
    static void start() throws Exception {
        server = TallyServer.start(ServerSettings.defaults(dataDir).withPort(0).withHost("127.0.0.1").withKeys("wk_api", "rk_api"));
        StringBuilder batch = new StringBuilder("{\"batch\":[");
        for (int i = 0; i < 30; i++) {
            batch.append(i == 0 ? "" : ",").append("{\"type\":\"track\",\"event\":\"signup\",\"userId\":\"u").append(i % 7)
                    .append("\",\"timestamp\":\"2026-02-0").append(1 + i % 3).append("T10:00:00Z\",\"properties\":{\"plan\":\"")
                    .append(i % 2 == 0 ? "pro" : "free").append("\"}}");
        }
        HttpResponse<String> sent = post("/v1/batch", batch.append("]}").toString(), "Basic " + java.util.Base64.getEncoder().encodeToString("wk_api:".getBytes()));
        assertThat(sent.statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(30)).until(() -> rest(TRENDS).path("series").path(0).path("values").path(0).asLong() == 10);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void aRepeatedQuestionIsServedFromTheCacheAndSaysHowFreshItIs() throws Exception {
        String question = TRENDS.replace("\"UTC\"", "\"Europe/Berlin\"");
        JsonNode first = rest(question);
        JsonNode second = rest(question);
        assertThat(first.path("meta").path("cached").asBoolean()).isFalse();
        assertThat(second.path("meta").path("cached").asBoolean()).isTrue();
        assertThat(second.path("series")).isEqualTo(first.path("series"));
        assertThat(second.path("meta").path("completeUpTo").asText()).isNotEmpty();
        assertThat(second.path("meta").path("lagEvents").asLong()).isZero();
    }

    @Test
    void graphQlAnswersLikeRest() throws Exception {
        JsonNode answer = graphql("""
                { trends(project: "default", series: [{event: "signup", math: total}, {event: "signup", math: unique_users}],
                         interval: day, dateFrom: "2026-02-01", dateTo: "2026-02-28", timezone: "UTC") {
                    series { event math buckets values } meta { store cached completeUpTo } } }""");
        assertThat(answer.path("errors").isMissingNode()).as(answer.toString()).isTrue();
        JsonNode rest = rest(TRENDS);
        for (int i = 0; i < 2; i++) {
            JsonNode viaGraphQl = answer.path("data").path("trends").path("series").path(i);
            assertThat(viaGraphQl.path("buckets")).isEqualTo(rest.path("series").path(i).path("buckets"));
            for (int b = 0; b < viaGraphQl.path("values").size(); b++) {
                assertThat(viaGraphQl.path("values").path(b).asDouble()).isEqualTo(rest.path("series").path(i).path("values").path(b).asDouble());
            }
        }
        assertThat(answer.path("data").path("trends").path("meta").path("store").asText()).isEqualTo("duckdb");
    }

    @Test
    void funnelsAndRetentionAnswerOverRestAndGraphQl() throws Exception {
        JsonNode funnel = rest("""
                {"kind":"funnel","steps":["signup","signup"],"window":"P3D","dateFrom":"2026-02-01","dateTo":"2026-02-28","timezone":"UTC"}""");
        // seven people signed up on 1, 2 and 3 February: each one's first signup has a later one within 3 days
        assertThat(funnel.path("groups").path(0).path("steps").path(0).path("count").asLong()).isEqualTo(7);
        assertThat(funnel.path("groups").path(0).path("steps").path(1).path("count").asLong()).isEqualTo(7);
        assertThat(funnel.path("groups").path(0).path("steps").path(1).path("conversionFromFirst").asDouble()).isEqualTo(1.0);
        JsonNode retention = rest("""
                {"kind":"retention","startEvent":"signup","returnEvent":"signup","period":"day","periods":2,
                 "dateFrom":"2026-02-01","dateTo":"2026-02-01","timezone":"UTC"}""");
        assertThat(retention.path("cohorts").path(0).path("size").asLong()).isEqualTo(7);
        assertThat(retention.path("cohorts").path(0).path("retained").path(1).asLong()).isEqualTo(7);
        JsonNode viaGraphQl = graphql("""
                { retention(project: "default", startEvent: {event: "signup"}, returnEvent: {event: "signup"}, period: day, periods: 2,
                            dateFrom: "2026-02-01", dateTo: "2026-02-01", timezone: "UTC") { cohorts { size retained } } }""");
        assertThat(viaGraphQl.path("data").path("retention").path("cohorts").path(0).path("retained").path(1).asLong()).isEqualTo(7);
    }

    @Test
    void graphQlIntrospectionListsTheThreeQuestions() throws Exception {
        JsonNode answer = graphql("{ __schema { queryType { fields { name } } } }");
        assertThat(answer.findValuesAsText("name")).contains("trends", "funnel", "retention");
    }

    @Test
    void graphQlErrorsNameTheField() throws Exception {
        JsonNode answer = graphql("""
                { funnel(project: "default", steps: [{event: "a"}, {event: "b"}], window: "PT0S") { groups { steps { count } } } }""");
        assertThat(answer.path("errors").path(0).path("extensions").path("field").asText()).isEqualTo("window");
        assertThat(answer.path("errors").path(0).path("extensions").path("code").asText()).isEqualTo("invalid_query");
        JsonNode otherProject = graphql("""
                { trends(project: "someone-else", series: [{event: "a"}]) { meta { store } } }""");
        assertThat(otherProject.path("errors").path(0).path("extensions").path("code").asText()).isEqualTo("forbidden");
        HttpResponse<String> noKey = post("/graphql", "{\"query\":\"{ __typename }\"}", "Bearer nope");
        assertThat(noKey.statusCode()).isEqualTo(401);
    }

    @Test
    void badRestQuestionsAre400WithTheField() throws Exception {
        for (String[] c : new String[][] {
                {"{\"kind\":\"cohorts\"}", "kind"},
                {"{\"kind\":\"trends\",\"series\":[{\"event\":\"a\"}],\"timezone\":\"Mars/Base\"}", "timezone"},
                {"{\"kind\":\"trends\",\"series\":[{\"event\":\"a\"}],\"dateFrom\":\"2026-02-02\",\"dateTo\":\"2026-02-01\"}", "dateTo"},
                {"{\"kind\":\"trends\",\"series\":[{\"event\":\"a\"}],\"breakdown\":{\"property\":\"plan'); DROP TABLE events; --\"}}", "breakdown.property"}}) {
            HttpResponse<String> response = post("/v1/projects/default/query", c[0], "Bearer rk_api");
            assertThat(response.statusCode()).as(c[0]).isEqualTo(400);
            assertThat(JSON.readTree(response.body()).path("error").path("field").asText()).as(c[0]).isEqualTo(c[1]);
        }
    }

    private static JsonNode rest(String body) throws IOException, InterruptedException {
        HttpResponse<String> response = post("/v1/projects/default/query", body, "Bearer rk_api");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private static JsonNode graphql(String query) throws IOException, InterruptedException {
        HttpResponse<String> response = post("/graphql", JSON.writeValueAsString(java.util.Map.of("query", query)), "Bearer rk_api");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private static HttpResponse<String> post(String path, String body, String authorization) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(server.url() + path)).header("Authorization", authorization)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
