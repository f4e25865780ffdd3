package io.tally.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tally.testing.Compression;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Malformed, oversized and unauthenticated requests against a real embedded server. Each must get its
 * own 4xx with a JSON body that names the problem, and must leave the server able to take the next
 * good event (checked after every test).
 */
class HostileInputTest {
    private static final String WRITE_KEY = "wk_test";
    private static final String READ_KEY = "rk_test";
    private static final String GOOD_TRACK = "{\"userId\": \"user-1\", \"event\": \"signup\", \"properties\": {\"plan\": \"pro\"}}";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @TempDir
    static Path dataDir;
    static TallyServer server;
    static HttpClient http;

    @BeforeAll
    static void start() {
        server = TallyServer.start(ServerSettings.defaults(dataDir).withPort(0).withHost("127.0.0.1")
                .withKeys(WRITE_KEY, READ_KEY));
        http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10))
                .build();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @AfterEach
    void aGoodEventIsStillAccepted() {
        HttpResponse<String> response = post("/v1/track", utf8(GOOD_TRACK), basicAuth(WRITE_KEY));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(json(response).get("accepted").asInt()).isEqualTo(1);
    }

    // malformed JSON

    @Test
    void truncatedJsonIsInvalidJson() {
        HttpResponse<String> response = post("/v1/track", utf8("{\"userId\": \"u\", \"event\": \"sig"), basicAuth(WRITE_KEY));

        assertError(response, 400, "invalid_json");
    }

    @Test
    void truncatedBatchIsInvalidJson() {
        HttpResponse<String> response = post("/v1/batch", utf8("{\"batch\": [{\"type\": \"track\", \"userId\": \"u\""),
                basicAuth(WRITE_KEY));

        assertError(response, 400, "invalid_json");
    }

    @Test
    void syntacticallyInvalidJsonIsInvalidJson() {
        HttpResponse<String> response = post("/v1/track", utf8("{\"userId\": 'u', \"event\": }"), basicAuth(WRITE_KEY));

        assertError(response, 400, "invalid_json");
    }

    @Test
    void trailingGarbageIsInvalidJson() {
        HttpResponse<String> response = post("/v1/track", utf8(GOOD_TRACK + " trailing"), basicAuth(WRITE_KEY));

        assertError(response, 400, "invalid_json");
    }

    @Test
    void invalidUtf8IsInvalidJson() {
        byte[] body = concat(utf8("{\"userId\": \"u\", \"event\": \"a"), new byte[] {(byte) 0xC3, 0x28}, utf8("\"}"));

        HttpResponse<String> response = post("/v1/track", body, basicAuth(WRITE_KEY));

        assertError(response, 400, "invalid_json");
    }

    @Test
    void deeplyNestedObjectIsRefused() {
        int depth = 10_000;
        String nested = "{\"a\":".repeat(depth) + "1" + "}".repeat(depth);
        String body = "{\"userId\": \"u\", \"event\": \"e\", \"properties\": " + nested + "}";

        HttpResponse<String> response = post("/v1/track", utf8(body), basicAuth(WRITE_KEY));

        assertError(response, 400, "invalid_json");
    }

    @Test
    void deeplyNestedArrayInsideABatchIsRefused() {
        int depth = 10_000;
        String body = "{\"batch\": [" + "[".repeat(depth) + "]".repeat(depth) + "]}";

        HttpResponse<String> response = post("/v1/batch", utf8(body), basicAuth(WRITE_KEY));

        assertError(response, 400, "invalid_json");
    }

    @Test
    void emptyBodyIsRefused() {
        HttpResponse<String> response = post("/v1/track", new byte[0], basicAuth(WRITE_KEY));

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(errorOf(response).get("code").asText()).isIn("invalid_json", "invalid_request");
    }

    // wrong shapes and types

    @Test
    void bodyThatIsNotAnObjectIsInvalidRequest() {
        HttpResponse<String> response = post("/v1/track", utf8("[" + GOOD_TRACK + "]"), basicAuth(WRITE_KEY));

        assertError(response, 400, "invalid_request");
    }

    @Test
    void eventThatIsANumberIsInvalidEventNamingTheField() {
        HttpResponse<String> response = post("/v1/track", utf8("{\"userId\": \"u\", \"event\": 42}"), basicAuth(WRITE_KEY));

        assertError(response, 400, "invalid_event");
        assertThat(errorOf(response).get("field").asText()).isEqualTo("event");
    }

    @Test
    void propertiesThatAreAnArrayAreInvalidEventNamingTheField() {
        HttpResponse<String> response = post("/v1/track",
                utf8("{\"userId\": \"u\", \"event\": \"e\", \"properties\": [1, 2]}"), basicAuth(WRITE_KEY));

        assertError(response, 400, "invalid_event");
        assertThat(errorOf(response).get("field").asText()).isEqualTo("properties");
    }

    @Test
    void timestampThatIsNotIsoIsInvalidEventNamingTheField() {
        HttpResponse<String> response = post("/v1/track",
                utf8("{\"userId\": \"u\", \"event\": \"e\", \"timestamp\": \"last tuesday\"}"), basicAuth(WRITE_KEY));

        assertError(response, 400, "invalid_event");
        assertThat(errorOf(response).get("field").asText()).isEqualTo("timestamp");
    }

    @Test
    void eventWithoutAnyIdIsInvalidEvent() {
        HttpResponse<String> response = post("/v1/track", utf8("{\"event\": \"e\"}"), basicAuth(WRITE_KEY));

        assertError(response, 400, "invalid_event");
        assertThat(errorOf(response).get("field").asText()).isEqualTo("userId");
    }

    @Test
    void batchThatIsNotAnArrayIsInvalidRequest() {
        HttpResponse<String> response = post("/v1/batch", utf8("{\"batch\": " + GOOD_TRACK + "}"), basicAuth(WRITE_KEY));

        assertError(response, 400, "invalid_request");
        assertThat(errorOf(response).get("field").asText()).isEqualTo("batch");
    }

    // characters

    @Test
    void unpairedSurrogateEscapeInTheEventNameIsRefusedNamingTheField() {
        String body = "{\"userId\": \"u\", \"event\": \"broken \\ud800 pair\"}";

        HttpResponse<String> response = post("/v1/track", utf8(body), basicAuth(WRITE_KEY));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        assertThat(response.body()).contains("\"field\":\"event\"");
    }

    @Test
    void unpairedSurrogateEscapeInPropertiesIsInvalidEvent() {
        String body = "{\"userId\": \"u\", \"event\": \"e\", \"properties\": {\"k\": \"\\udc00\"}}";

        HttpResponse<String> response = post("/v1/track", utf8(body), basicAuth(WRITE_KEY));

        assertError(response, 400, "invalid_event");
        assertThat(errorOf(response).get("field").asText()).isEqualTo("properties");
    }

    @Test
    void unpairedSurrogateEscapeInsideABatchRejectsOnlyThatElement() {
        String body = """
                {"batch": [
                  {"type": "track", "userId": "u", "event": "e", "properties": {"k": "\\ud800"}},
                  {"type": "track", "userId": "u", "event": "e", "properties": {"mood": "\\ud83d\\ude00"}}
                ]}""";

        HttpResponse<String> response = post("/v1/batch", utf8(body), basicAuth(WRITE_KEY));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(statuses(json(response))).containsExactly("rejected", "accepted");
        assertThat(json(response).at("/results/0/error/field").asText()).isEqualTo("properties");
    }

    @Test
    void oddTextIsStoredWithoutStoppingTheLoader() {
        String[] validOddEvents = {
            "{\"userId\": \"odd\", \"event\": \"nul \\u0000 inside\", \"properties\": {\"k\": \"nul \\u0000 too\"}}",
            "{\"userId\": \"odd\", \"event\": \"emoji \\ud83d\\ude00 and \u00e9\u4e2d\", \"properties\": {\"\\u0001\": \"\\u001f\"}}",
            "{\"userId\": \"odd\", \"event\": \"quote \\\" backslash \\\\ ' ; DROP TABLE events; --\"}",
        };
        for (String odd : validOddEvents) {
            HttpResponse<String> response = post("/v1/track", utf8(odd), basicAuth(WRITE_KEY));
            assertThat(response.statusCode()).as(odd + " -> " + response.body()).isEqualTo(200);
        }
        // not Unicode: refused, and it must not jam anything behind it
        post("/v1/track", utf8("{\"userId\": \"odd\", \"event\": \"unpaired \\ud800 surrogate\"}"), basicAuth(WRITE_KEY));
        String marker = "{\"userId\": \"odd\", \"event\": \"after_odd_text\", \"timestamp\": \"2026-06-01T00:00:00Z\"}";
        assertThat(post("/v1/track", utf8(marker), basicAuth(WRITE_KEY)).statusCode()).isEqualTo(200);

        QueryClient queries = new QueryClient(server.url(), READ_KEY);
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(queries.total("after_odd_text")).isEqualTo(1));
    }

    // sizes

    @Test
    void hugeStringInASingleEventIsEventTooLarge() {
        String body = "{\"userId\": \"u\", \"event\": \"e\", \"properties\": {\"blob\": \"" + "x".repeat(40 * 1024) + "\"}}";

        HttpResponse<String> response = post("/v1/track", utf8(body), basicAuth(WRITE_KEY));

        assertError(response, 413, "event_too_large");
    }

    @Test
    void hugeStringInsideABatchRejectsOnlyThatElement() {
        String huge = "{\"type\": \"track\", \"userId\": \"u\", \"event\": \"e\", \"properties\": {\"blob\": \""
                + "x".repeat(40 * 1024) + "\"}}";
        String good = "{\"type\": \"track\", \"userId\": \"u\", \"event\": \"e\"}";
        String body = "{\"batch\": [" + good + ", " + huge + ", " + good + "]}";

        HttpResponse<String> response = post("/v1/batch", utf8(body), basicAuth(WRITE_KEY));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode result = json(response);
        assertThat(result.get("accepted").asInt()).isEqualTo(2);
        assertThat(result.get("rejected").asInt()).isEqualTo(1);
        assertThat(statuses(result)).containsExactly("accepted", "rejected", "accepted");
        assertThat(result.at("/results/1/error/code").asText()).isEqualTo("event_too_large");
    }

    // The JDK client gives up reading the answer when the server stops reading the upload (about 1 run in 30
    // here), so the 10 MB uploads use a plain socket that sends on one thread and reads the answer on another.

    @Test
    void tenMegabyteBodyIsBodyTooLarge() throws Exception {
        int size = 10 * 1024 * 1024;

        String answer = uploadWhileReadingTheAnswer("Content-Length: " + size, out -> {
            byte[] block = "x".repeat(64 * 1024).getBytes(StandardCharsets.US_ASCII);
            for (int sent = 0; sent < size; sent += block.length) {
                out.write(block);
            }
        });

        assertThat(answer).startsWith("HTTP/1.1 413").contains("\"code\":\"body_too_large\"");
    }

    @Test
    void tenMegabyteChunkedBodyIsBodyTooLarge() throws Exception {
        int size = 10 * 1024 * 1024;

        String answer = uploadWhileReadingTheAnswer("Transfer-Encoding: chunked", out -> {
            byte[] chunk = ("10000\r\n" + "x".repeat(0x10000) + "\r\n").getBytes(StandardCharsets.US_ASCII);
            for (int sent = 0; sent < size; sent += 0x10000) {
                out.write(chunk);
            }
            out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        });

        assertThat(answer).startsWith("HTTP/1.1 413").contains("\"code\":\"body_too_large\"");
    }

    @Test
    void gzipBombIsRefused() {
        byte[] bomb = Compression.gzippedZeros(50 * 1024 * 1024);

        HttpResponse<String> response = post("/v1/batch", bomb, gzipped(basicAuth(WRITE_KEY)));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(413);
        assertThat(errorOf(response).get("code").asText()).isEqualTo("compression_ratio_exceeded");
        assertThat(errorOf(response).get("message").asText()).isNotBlank();
    }

    // encodings

    @Test
    void gzipBodyIsAccepted() {
        HttpResponse<String> response = post("/v1/track", Compression.gzip(utf8(GOOD_TRACK)), gzipped(basicAuth(WRITE_KEY)));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(json(response).get("accepted").asInt()).isEqualTo(1);
    }

    @Test
    void gzipBatchIsAccepted() {
        String body = "{\"batch\": [{\"type\": \"track\", \"userId\": \"u\", \"event\": \"a\"},"
                + " {\"type\": \"page\", \"anonymousId\": \"anon\", \"name\": \"Home\"}]}";

        HttpResponse<String> response = post("/v1/batch", Compression.gzip(utf8(body)), gzipped(basicAuth(WRITE_KEY)));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(json(response).get("accepted").asInt()).isEqualTo(2);
    }

    @Test
    void corruptGzipIsInvalidRequest() {
        byte[] truncated = Arrays.copyOf(Compression.gzip(utf8(GOOD_TRACK)), 15);

        HttpResponse<String> response = post("/v1/track", truncated, gzipped(basicAuth(WRITE_KEY)));

        assertError(response, 400, "invalid_request");
    }

    @Test
    void unknownContentEncodingIsUnsupported() {
        Map<String, String> headers = basicAuth(WRITE_KEY);
        headers.put("Content-Encoding", "br");

        HttpResponse<String> response = post("/v1/track", utf8(GOOD_TRACK), headers);

        assertError(response, 415, "unsupported_encoding");
    }

    // keys

    @Test
    void missingWriteKeyIsUnauthorized() {
        HttpResponse<String> response = post("/v1/track", utf8(GOOD_TRACK), new LinkedHashMap<>());

        assertError(response, 401, "unauthorized");
        assertThat(response.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Basic"));
    }

    @Test
    void wrongWriteKeyIsUnauthorized() {
        HttpResponse<String> response = post("/v1/track", utf8(GOOD_TRACK), basicAuth("wk_wrong"));

        assertError(response, 401, "unauthorized");
    }

    @Test
    void wrongWriteKeyInTheBodyIsUnauthorized() {
        String body = "{\"writeKey\": \"wk_wrong\", \"userId\": \"u\", \"event\": \"e\"}";

        HttpResponse<String> response = post("/v1/track", utf8(body), new LinkedHashMap<>());

        assertError(response, 401, "unauthorized");
    }

    @Test
    void readKeyIsNotAWriteKey() {
        HttpResponse<String> response = post("/v1/track", utf8(GOOD_TRACK), basicAuth(READ_KEY));

        assertError(response, 401, "unauthorized");
    }

    @Test
    void writeKeyAsBasicAuthUserIsAccepted() {
        HttpResponse<String> response = post("/v1/track", utf8(GOOD_TRACK), basicAuth(WRITE_KEY));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(json(response).get("success").asBoolean()).isTrue();
    }

    @Test
    void writeKeyInASingleEventBodyIsAccepted() {
        String body = "{\"writeKey\": \"" + WRITE_KEY + "\", \"userId\": \"u\", \"event\": \"e\"}";

        HttpResponse<String> response = post("/v1/track", utf8(body), new LinkedHashMap<>());

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    }

    @Test
    void writeKeyInABatchBodyIsAccepted() {
        String body = "{\"writeKey\": \"" + WRITE_KEY + "\", \"batch\": [{\"type\": \"track\", \"userId\": \"u\", \"event\": \"e\"}]}";

        HttpResponse<String> response = post("/v1/batch", utf8(body), new LinkedHashMap<>());

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(json(response).get("accepted").asInt()).isEqualTo(1);
    }

    // batches

    @Test
    void batchWithGoodAndBadElementsReportsEachOne() {
        HttpResponse<String> response = post("/v1/batch", utf8(mixedBatch()), basicAuth(WRITE_KEY));

        assertMixedBatchResult(response);
    }

    @Test
    void importBehavesLikeBatch() {
        HttpResponse<String> response = post("/v1/import", utf8(mixedBatch()), basicAuth(WRITE_KEY));

        assertMixedBatchResult(response);
    }

    @Test
    void unknownEndpointIsNotFoundAsJson() {
        HttpResponse<String> response = post("/v1/nonsense", utf8(GOOD_TRACK), basicAuth(WRITE_KEY));

        assertError(response, 404, "not_found");
    }

    private static String mixedBatch() {
        return """
                {"batch": [
                  {"type": "track", "userId": "u1", "event": "signup", "messageId": "m-0"},
                  {"type": "track", "userId": "u1", "event": 42, "messageId": "m-1"},
                  {"type": "identify", "userId": "u1", "traits": {"plan": "pro"}},
                  {"userId": "u1", "event": "no type"},
                  "not an object"
                ]}""";
    }

    private static void assertMixedBatchResult(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode result = json(response);
        assertThat(result.get("success").asBoolean()).isTrue();
        assertThat(result.get("accepted").asInt()).isEqualTo(2);
        assertThat(result.get("rejected").asInt()).isEqualTo(3);
        assertThat(statuses(result)).containsExactly("accepted", "rejected", "accepted", "rejected", "rejected");
        assertThat(result.at("/results/0/messageId").asText()).isEqualTo("m-0");
        assertThat(result.at("/results/0/error").isMissingNode()).isTrue();
        assertThat(result.at("/results/1/index").asInt()).isEqualTo(1);
        assertThat(result.at("/results/1/messageId").asText()).isEqualTo("m-1");
        assertThat(result.at("/results/1/error/code").asText()).isEqualTo("invalid_event");
        assertThat(result.at("/results/1/error/field").asText()).isEqualTo("event");
        assertThat(result.at("/results/1/error/message").asText()).isNotBlank();
        assertThat(result.at("/results/3/error/code").asText()).isEqualTo("invalid_event");
        assertThat(result.at("/results/3/error/field").asText()).isEqualTo("type");
        assertThat(result.at("/results/4/error/code").asText()).isEqualTo("invalid_event");
    }

    // helpers

    private interface Upload {
        void writeTo(OutputStream out) throws IOException;
    }

    /** Posts to {@code /v1/track} a body that {@code upload} writes, framed by the given header; returns the raw answer. */
    private static String uploadWhileReadingTheAnswer(String framingHeader, Upload upload) throws Exception {
        URI uri = URI.create(server.url());
        try (Socket socket = new Socket(uri.getHost(), uri.getPort())) {
            socket.setSoTimeout(30_000);
            Thread sender = new Thread(() -> {
                try {
                    OutputStream out = socket.getOutputStream();
                    out.write(("POST /v1/track HTTP/1.1\r\nHost: " + uri.getHost() + "\r\n"
                            + "Authorization: " + basicAuth(WRITE_KEY).get("Authorization") + "\r\n"
                            + "Content-Type: application/json\r\n" + framingHeader + "\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
                    upload.writeTo(out);
                    out.flush();
                } catch (IOException expected) {
                    // the server stops reading once the limit is passed and closes the connection
                }
            }, "test-upload");
            sender.start();
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            byte[] buffer = new byte[4096];
            try {
                for (int n; (n = socket.getInputStream().read(buffer)) != -1; ) {
                    answer.write(buffer, 0, n);
                }
            } catch (IOException e) {
                // a reset after the answer arrived; what was read is the answer
            }
            sender.join(30_000);
            return answer.toString(StandardCharsets.UTF_8);
        }
    }

    private static HttpResponse<String> post(String path, byte[] body, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.url() + path))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(request::header);
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, String> basicAuth(String key) {
        Map<String, String> headers = new LinkedHashMap<>();
        String credentials = Base64.getEncoder().encodeToString((key + ":").getBytes(StandardCharsets.UTF_8));
        headers.put("Authorization", "Basic " + credentials);
        return headers;
    }

    private static Map<String, String> gzipped(Map<String, String> headers) {
        headers.put("Content-Encoding", "gzip");
        return headers;
    }

    private static void assertError(HttpResponse<String> response, int status, String code) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/json"));
        JsonNode error = errorOf(response);
        assertThat(error.get("code").asText()).isEqualTo(code);
        assertThat(error.get("message").asText()).isNotBlank();
    }

    private static JsonNode errorOf(HttpResponse<String> response) {
        JsonNode error = json(response).get("error");
        assertThat(error).as("error object in %s", response.body()).isNotNull();
        return error;
    }

    private static JsonNode json(HttpResponse<String> response) {
        try {
            return MAPPER.readTree(response.body());
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + response.body(), e);
        }
    }

    private static java.util.List<String> statuses(JsonNode result) {
        java.util.List<String> statuses = new java.util.ArrayList<>();
        result.get("results").forEach(r -> statuses.add(r.get("status").asText()));
        return statuses;
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

}
