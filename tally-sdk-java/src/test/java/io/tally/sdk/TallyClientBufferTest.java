package io.tally.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The collector holds the first request until released, so the client's buffer fills up behind it. */
class TallyClientBufferTest {
    private final CountDownLatch release = new CountDownLatch(1);
    private FakeCollector collector;

    @BeforeEach
    void startStalledCollector() throws Exception {
        collector = FakeCollector.start().respondWith((request, number) -> {
            release.await();
            return FakeCollector.acceptAll(request);
        });
    }

    @AfterEach
    void stopCollector() {
        release.countDown();
        collector.close();
    }

    @Test
    void aFullBufferBlocksTheCallerBrieflyThenDropsAndCountsTheMessage() {
        List<String> dropped = new CopyOnWriteArrayList<>();
        TallyListener listener = new TallyListener() {
            @Override
            public void onDropped(String messageId, DropReason reason) {
                dropped.add(messageId + "/" + reason);
            }
        };
        // Three messages of about 12 KB fit into 40,000 bytes; a fourth does not.
        try (TallyClient client = TestClients.builder(collector)
                .flushAt(1)
                .maxBatchBytes(40_000)
                .maxBufferBytes(40_000)
                .enqueueTimeout(Duration.ofMillis(50))
                .listener(listener)
                .build()) {
            String first = bigTrack(client);
            Eventually.await("the first batch in flight", () -> collector.requests().size() == 1);
            String second = bigTrack(client);
            String third = bigTrack(client);

            String refused = bigTrack(client);

            assertThat(refused).isNotBlank();
            assertThat(client.stats().dropped()).isEqualTo(1);
            assertThat(client.stats().enqueued()).isEqualTo(3);
            assertThat(dropped).containsExactly(refused + "/BUFFER_FULL");

            release.countDown();
            assertThat(client.flush()).isTrue();
            assertThat(collector.acceptedIds()).containsExactly(first, second, third);
            assertThat(client.stats()).isEqualTo(new TallyStats(3, 3, 0, 0, 1, 0, 3));
        }
    }

    @Test
    void flushWithATimeoutReturnsFalseWhileDeliveryIsStuck() {
        try (TallyClient client = TestClients.builder(collector).build()) {
            client.track("u1", "Clicked");

            assertThat(client.flush(Duration.ofMillis(100))).isFalse();

            release.countDown();
            assertThat(client.flush()).isTrue();
            assertThat(client.stats().delivered()).isEqualTo(1);
        }
    }

    private static String bigTrack(TallyClient client) {
        return client.track("u1", "Uploaded", Map.of("pad", "x".repeat(12_000)));
    }
}
