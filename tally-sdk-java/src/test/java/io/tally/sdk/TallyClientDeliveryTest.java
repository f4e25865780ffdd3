package io.tally.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TallyClientDeliveryTest {
    private FakeCollector collector;

    @BeforeEach
    void startCollector() throws Exception {
        collector = FakeCollector.start();
    }

    @AfterEach
    void stopCollector() {
        collector.close();
    }

    @Test
    void sendsABatchEveryFlushAtMessages() {
        try (TallyClient client = TestClients.builder(collector).flushAt(10).build()) {
            List<String> ids = trackMany(client, 25);

            Eventually.await("two full batches", () -> collector.requests().size() == 2);
            assertThat(client.flush()).isTrue();

            assertThat(collector.batchSizes()).containsExactly(10, 10, 5);
            assertThat(collector.acceptedIds()).containsExactlyElementsOf(ids);
            assertThat(client.stats()).isEqualTo(new TallyStats(25, 25, 0, 0, 0, 0, 3));
        }
    }

    @Test
    void sendsABatchWhenTheWaitingMessagesWouldExceedMaxBatchBytes() {
        int maxBatchBytes = 40_000;
        try (TallyClient client = TestClients.builder(collector).flushAt(100).maxBatchBytes(maxBatchBytes).build()) {
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                ids.add(client.track("user-" + i, "Uploaded", Map.of("pad", "x".repeat(10_000))));
            }

            Eventually.await("three batches full by bytes", () -> collector.requests().size() == 3);
            assertThat(client.flush()).isTrue();

            assertThat(collector.batchSizes()).containsExactly(3, 3, 3, 1);
            assertThat(collector.requests()).allSatisfy(r -> assertThat(r.body().length).isLessThanOrEqualTo(maxBatchBytes));
            assertThat(collector.acceptedIds()).containsExactlyElementsOf(ids);
        }
    }

    @Test
    void sendsWhatIsWaitingOnceTheFlushIntervalHasPassed() {
        try (TallyClient client = TestClients.builder(collector).flushAt(1000).flushInterval(Duration.ofMillis(20)).build()) {
            List<String> ids = trackMany(client, 3);

            Eventually.await("a batch sent by time alone", () -> collector.acceptedIds().size() == 3);
            assertThat(collector.acceptedIds()).containsExactlyElementsOf(ids);
        }
    }

    @Test
    void postsGzippedJsonWithBasicAuthAndTheWireFormat() {
        Instant now = Instant.parse("2024-03-01T12:00:00Z");
        String id;
        try (TallyClient client = TestClients.builder(collector).clock(Clock.fixed(now, ZoneOffset.UTC)).build()) {
            id = client.track("user-1", "Signed Up", Map.of("plan", "pro"));
            assertThat(client.flush()).isTrue();
        }

        FakeCollector.Request request = collector.requests().get(0);
        String expectedAuth = "Basic " + Base64.getEncoder()
                .encodeToString((TestClients.WRITE_KEY + ":").getBytes(StandardCharsets.UTF_8));
        assertThat(request.header("Authorization")).isEqualTo(expectedAuth);
        assertThat(request.header("Content-Encoding")).isEqualTo("gzip");
        assertThat(request.header("Content-Type")).isEqualTo("application/json");
        assertThat(request.header("User-Agent")).isEqualTo("tally-sdk-java/0.1");
        assertThat(request.rawBody()).startsWith((byte) 0x1f, (byte) 0x8b);
        assertThat(request.json().path("sentAt").asText()).isEqualTo("2024-03-01T12:00:00.000Z");

        JsonNode message = request.messages().get(0);
        assertThat(message.path("type").asText()).isEqualTo("track");
        assertThat(message.path("messageId").asText()).isEqualTo(id).matches("[0-9a-f-]{36}");
        assertThat(message.path("timestamp").asText()).isEqualTo("2024-03-01T12:00:00.000Z");
        assertThat(message.path("userId").asText()).isEqualTo("user-1");
        assertThat(message.path("event").asText()).isEqualTo("Signed Up");
        assertThat(message.path("properties").path("plan").asText()).isEqualTo("pro");
        assertThat(message.path("context").path("library").path("name").asText()).isEqualTo("tally-sdk-java");
        assertThat(message.path("context").path("library").path("version").asText()).isEqualTo("0.1.0");
    }

    @Test
    void sendsPlainJsonWhenGzipIsOff() {
        try (TallyClient client = TestClients.builder(collector).gzip(false).build()) {
            client.track("user-1", "Signed Up");
            assertThat(client.flush()).isTrue();
        }

        FakeCollector.Request request = collector.requests().get(0);
        assertThat(request.header("Content-Encoding")).isNull();
        assertThat(request.rawBody()).isEqualTo(request.body());
        assertThat(request.messages()).hasSize(1);
    }

    @Test
    void sendsEveryMessageTypeWithItsFields() {
        try (TallyClient client = TestClients.builder(collector).build()) {
            client.identify("u1", Map.of("email", "ada@example.com"));
            client.track("u1", "Signed Up");
            client.page("u1", "Pricing", Map.of("path", "/pricing"));
            client.screen("u1", "Home");
            client.group("u1", "acme", Map.of("seats", 12));
            client.alias("u1", "anon-7");
            assertThat(client.flush()).isTrue();
        }

        List<JsonNode> messages = collector.requests().get(0).messages();
        assertThat(messages).extracting(m -> m.path("type").asText())
                .containsExactly("identify", "track", "page", "screen", "group", "alias");
        assertThat(messages.get(0).path("traits").path("email").asText()).isEqualTo("ada@example.com");
        assertThat(messages.get(2).path("name").asText()).isEqualTo("Pricing");
        assertThat(messages.get(2).path("properties").path("path").asText()).isEqualTo("/pricing");
        assertThat(messages.get(3).path("name").asText()).isEqualTo("Home");
        assertThat(messages.get(4).path("groupId").asText()).isEqualTo("acme");
        assertThat(messages.get(4).path("traits").path("seats").asInt()).isEqualTo(12);
        assertThat(messages.get(5).path("previousId").asText()).isEqualTo("anon-7");
        assertThat(messages.get(5).path("userId").asText()).isEqualTo("u1");
    }

    @Test
    void keepsACallerSuppliedMessageIdTimestampAndContext() {
        Instant then = Instant.parse("2020-01-02T03:04:05.678Z");
        try (TallyClient client = TestClients.builder(collector).build()) {
            String id = client.enqueue(TallyMessage.track("Imported")
                    .anonymousId("anon-1")
                    .messageId("fixed-id-1")
                    .timestamp(then)
                    .context(Map.of("ip", "203.0.113.9"))
                    .build());
            assertThat(id).isEqualTo("fixed-id-1");
            assertThat(client.flush()).isTrue();
        }

        JsonNode message = collector.requests().get(0).messages().get(0);
        assertThat(message.path("messageId").asText()).isEqualTo("fixed-id-1");
        assertThat(message.path("timestamp").asText()).isEqualTo("2020-01-02T03:04:05.678Z");
        assertThat(message.path("anonymousId").asText()).isEqualTo("anon-1");
        assertThat(message.has("userId")).isFalse();
        assertThat(message.path("context").path("ip").asText()).isEqualTo("203.0.113.9");
        assertThat(message.path("context").path("library").path("name").asText()).isEqualTo("tally-sdk-java");
    }

    @Test
    void countsMessagesTheServerRejectsOneByOne() {
        List<String> rejected = new CopyOnWriteArrayList<>();
        TallyListener listener = new TallyListener() {
            @Override
            public void onRejected(String messageId, String errorCode, String errorMessage) {
                rejected.add(messageId + "/" + errorCode);
            }
        };
        try (TallyClient client = TestClients.builder(collector).listener(listener).build()) {
            client.track("u1", "Signed Up");
            String bad1 = client.track("u1", "invalid");
            client.track("u1", "Upgraded");
            String bad2 = client.track("u1", "invalid");
            assertThat(client.flush()).isTrue();

            assertThat(client.stats()).isEqualTo(new TallyStats(4, 2, 2, 0, 0, 0, 1));
            assertThat(rejected).containsExactly(bad1 + "/invalid_event", bad2 + "/invalid_event");
            assertThat(collector.requests()).hasSize(1); // rejected messages are not retried
        }
    }

    static List<String> trackMany(TallyClient client, int count) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ids.add(client.track("user-" + i, "Clicked", Map.of("n", i)));
        }
        return ids;
    }
}
