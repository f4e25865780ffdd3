package io.tally.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class TallyClientLifecycleTest {

    @Test
    void closeDeliversEverythingBufferedAndStopsItsThread() throws Exception {
        try (FakeCollector collector = FakeCollector.start()) {
            Set<Thread> before = flushThreads();
            TallyClient client = TestClients.builder(collector).flushAt(1000).build();
            Set<Thread> ours = flushThreads();
            ours.removeAll(before);
            assertThat(ours).singleElement().satisfies(thread -> assertThat(thread.isDaemon()).isTrue());

            List<String> ids = TallyClientDeliveryTest.trackMany(client, 50);
            client.close();

            assertThat(collector.acceptedIds()).containsExactlyElementsOf(ids);
            assertThat(client.stats()).isEqualTo(new TallyStats(50, 50, 0, 0, 0, 0, 1));
            assertThat(ours.iterator().next().isAlive()).isFalse();
        }
    }

    @Test
    void closeIsIdempotentAndLaterCallsAreDroppedNotThrown() throws Exception {
        List<String> dropped = new CopyOnWriteArrayList<>();
        TallyListener listener = new TallyListener() {
            @Override
            public void onDropped(String messageId, DropReason reason) {
                dropped.add(messageId + "/" + reason);
            }
        };
        try (FakeCollector collector = FakeCollector.start()) {
            TallyClient client = TestClients.builder(collector).listener(listener).build();
            client.track("u1", "Clicked");
            client.close();
            TallyStats afterClose = client.stats();

            client.close();
            assertThat(client.stats()).isEqualTo(afterClose);

            String late = client.track("u1", "Too Late");
            assertThat(client.stats().dropped()).isEqualTo(1);
            assertThat(dropped).containsExactly(late + "/CLIENT_CLOSED");
            assertThat(client.flush()).isTrue();
            assertThat(collector.acceptedIds()).hasSize(1);
        }
    }

    @Test
    void closeGivesUpOnWhatCannotBeDeliveredWithinItsTimeout() throws Exception {
        FakeCollector gone = FakeCollector.start();
        TallyClientBuilder builder = TestClients.builder(gone)
                .maxRetries(1_000_000)
                .closeTimeout(Duration.ofMillis(200));
        gone.close();
        List<String> failed = new CopyOnWriteArrayList<>();
        TallyListener listener = new TallyListener() {
            @Override
            public void onFailed(List<String> messageIds, String reason) {
                failed.addAll(messageIds);
            }
        };

        TallyClient client = builder.listener(listener).build();
        List<String> ids = TallyClientDeliveryTest.trackMany(client, 3);
        client.close();

        assertThat(client.stats().failed()).isEqualTo(3);
        assertThat(client.stats().pending()).isZero();
        assertThat(failed).containsExactlyInAnyOrderElementsOf(ids);
    }

    private static Set<Thread> flushThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("tally-sdk-flush"))
                .collect(Collectors.toSet());
    }
}
