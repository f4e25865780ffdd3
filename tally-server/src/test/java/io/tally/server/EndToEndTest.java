package io.tally.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.segment.analytics.Analytics;
import com.segment.analytics.Callback;
import com.segment.analytics.messages.Message;
import com.segment.analytics.messages.TrackMessage;
import io.tally.sdk.TallyClient;
import io.tally.sdk.TallyMessage;
import okhttp3.OkHttpClient;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * 100,000 events through the whole embedded pipeline (HTTP, Kafka, loader, DuckDB, query API),
 * half through Tally's SDK and half through Segment's own Java library, all in gzip batches, each with
 * a tenth of the messages sent a second time with the same messageId. The query API must count each
 * event once.
 */
class EndToEndTest {
    private static final int EVENTS_PER_CLIENT = 50_000;
    private static final int REPEATED = 5_000;
    private static final int USERS = 977;
    private static final Instant START = Instant.parse("2026-01-05T00:00:00Z");

    @TempDir
    static Path dataDir;
    static TallyServer server;
    static QueryClient queries;

    @BeforeAll
    static void start() {
        server = TallyServer.start(ServerSettings.defaults(dataDir).withHost("127.0.0.1").withPort(0)
                .withKeys("wk_e2e", "rk_e2e"));
        queries = new QueryClient(server.url(), "rk_e2e");
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void eventsFromTallysSdkAreCountedExactlyOnce() {
        double gzipBefore = requests("gzip");
        double plainBefore = requests("identity");
        try (TallyClient client = TallyClient.builder("wk_e2e").endpoint(URI.create(server.url())).flushAt(100).build()) {
            for (int i = 0; i < EVENTS_PER_CLIENT; i++) {
                client.enqueue(sdkEvent(i));
            }
            // a client retrying on its own: the same messageIds again
            for (int i = 0; i < REPEATED; i++) {
                client.enqueue(sdkEvent(i * 7 % EVENTS_PER_CLIENT));
            }
            assertThat(client.flush(Duration.ofMinutes(2))).isTrue();
            assertThat(client.stats().delivered()).isEqualTo(EVENTS_PER_CLIENT + REPEATED);
            assertThat(client.stats().failed() + client.stats().dropped() + client.stats().rejected()).isZero();
        }
        assertThat(requests("gzip") - gzipBefore).as("gzip batches").isGreaterThanOrEqualTo((EVENTS_PER_CLIENT + REPEATED) / 100.0);
        assertThat(requests("identity") - plainBefore).as("uncompressed requests").isZero();
        awaitCount("sdk_signup", EVENTS_PER_CLIENT);
        assertThat(queries.totalAndUniqueUsers("sdk_signup", "day")[0]).isEqualTo(EVENTS_PER_CLIENT);
        // every event is in January, so the month's unique users are all users
        assertThat(queries.totalAndUniqueUsers("sdk_signup", "month")).containsExactly(EVENTS_PER_CLIENT, USERS);
    }

    @Test
    void eventsFromSegmentsJavaLibraryAreCountedExactlyOnce() {
        double gzipBefore = requests("gzip");
        double plainBefore = requests("identity");
        AtomicLong succeeded = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        Analytics analytics = Analytics.builder("wk_e2e")
                .endpoint(server.url())
                .client(new OkHttpClient.Builder().addInterceptor(new GzipRequests()).build())
                .flushQueueSize(250)
                .flushInterval(1, TimeUnit.SECONDS)
                .callback(new Callback() {
                    @Override
                    public void success(Message message) {
                        succeeded.incrementAndGet();
                    }

                    @Override
                    public void failure(Message message, Throwable throwable) {
                        failed.incrementAndGet();
                    }
                })
                .build();
        try {
            for (int i = 0; i < EVENTS_PER_CLIENT; i++) {
                analytics.enqueue(segmentEvent(i));
            }
            for (int i = 0; i < REPEATED; i++) {
                analytics.enqueue(segmentEvent(i * 3 % EVENTS_PER_CLIENT));
            }
            analytics.flush();
            await().atMost(Duration.ofMinutes(2)).until(() -> succeeded.get() + failed.get() >= EVENTS_PER_CLIENT + REPEATED);
            assertThat(failed.get()).isZero();
        } finally {
            analytics.shutdown();
        }
        assertThat(requests("gzip") - gzipBefore).as("gzip batches").isPositive();
        assertThat(requests("identity") - plainBefore).as("uncompressed requests").isZero();
        awaitCount("segment_purchase", EVENTS_PER_CLIENT);
        assertThat(queries.totalAndUniqueUsers("segment_purchase", "week")[0]).isEqualTo(EVENTS_PER_CLIENT);
        assertThat(queries.totalAndUniqueUsers("segment_purchase", "month")).containsExactly(EVENTS_PER_CLIENT, USERS);
    }

    /** Ingestion requests the collector received with the given Content-Encoding. */
    private static double requests(String encoding) {
        var counter = server.metrics().find("tally.collector.requests").tag("encoding", encoding).counter();
        return counter == null ? 0 : counter.count();
    }

    private static TallyMessage sdkEvent(int i) {
        return TallyMessage.track("sdk_signup").userId("user-" + i % USERS).messageId("sdk-" + i)
                .timestamp(START.plusSeconds(i * 13L)).property("plan", i % 2 == 0 ? "pro" : "free").property("i", i).build();
    }

    private static TrackMessage.Builder segmentEvent(int i) {
        return TrackMessage.builder("segment_purchase").userId("user-" + i % USERS).messageId("seg-" + i)
                .timestamp(Date.from(START.plusSeconds(i * 17L)))
                .properties(java.util.Map.of("amount", i % 100, "currency", "EUR"));
    }

    private static void awaitCount(String event, long expected) {
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500))
                .until(() -> queries.total(event) >= expected);
        // stay a moment: a duplicate written late would show up now
        await().pollDelay(Duration.ofSeconds(1)).until(() -> true);
        assertThat(queries.total(event)).isEqualTo(expected);
    }
}
