package io.tally.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class TallyClientRetryTest {

    @Test
    void retriesA503AfterItsRetryAfterWithTheSameMessageIdsAndDeliversOnce() throws Exception {
        List<Long> receivedAtNanos = new CopyOnWriteArrayList<>();
        try (FakeCollector collector = FakeCollector.start()) {
            collector.respondWith((request, number) -> {
                receivedAtNanos.add(System.nanoTime());
                return number == 1
                        ? new FakeCollector.Reply(503, Map.of("Retry-After", "1"), "{\"error\":{\"code\":\"unavailable\",\"message\":\"try later\"}}")
                        : FakeCollector.acceptAll(request);
            });
            try (TallyClient client = TestClients.builder(collector).build()) {
                List<String> ids = TallyClientDeliveryTest.trackMany(client, 5);
                assertThat(client.flush()).isTrue();

                List<FakeCollector.Request> requests = collector.requests();
                assertThat(requests).hasSize(2);
                assertThat(requests.get(1).messageIds()).isEqualTo(requests.get(0).messageIds()).isEqualTo(ids);
                assertThat(requests.get(1).messages()).isEqualTo(requests.get(0).messages());
                assertThat(collector.acceptedIds()).containsExactlyElementsOf(ids);
                assertThat(client.stats()).isEqualTo(new TallyStats(5, 5, 0, 0, 0, 1, 1));
                // A floor, not a speed limit: the client may not come back before Retry-After.
                assertThat(receivedAtNanos.get(1) - receivedAtNanos.get(0)).isGreaterThanOrEqualTo(Duration.ofSeconds(1).toNanos());
            }
        }
    }

    @Test
    void retriesWhileTheCollectorIsDownAndDeliversOnceItIsBack() throws Exception {
        FakeCollector first = FakeCollector.start();
        int port = first.port();
        TallyClientBuilder builder = TestClients.builder(first).maxRetries(10_000).flushAt(5);
        first.close();

        try (TallyClient client = builder.build()) {
            List<String> ids = TallyClientDeliveryTest.trackMany(client, 5);
            Eventually.await("a few failed attempts", () -> client.stats().retries() >= 3);

            try (FakeCollector back = FakeCollector.startOn(port)) {
                Eventually.await("delivery after the restart", () -> client.stats().delivered() == 5);
                assertThat(back.acceptedIds()).containsExactlyElementsOf(ids);
                assertThat(client.stats().failed()).isZero();
            }
        }
    }

    @Test
    void retriesWhenTheConnectionDropsWithoutAnAnswer() throws Exception {
        try (FakeCollector collector = FakeCollector.start()) {
            collector.respondWith((request, number) ->
                    number == 1 ? FakeCollector.Reply.dropConnection() : FakeCollector.acceptAll(request));
            try (TallyClient client = TestClients.builder(collector).build()) {
                List<String> ids = TallyClientDeliveryTest.trackMany(client, 3);
                assertThat(client.flush()).isTrue();

                // The first attempt arrived but its answer was lost: the retry must carry the same ids.
                assertThat(collector.requests()).extracting(FakeCollector.Request::messageIds).containsExactly(ids, ids);
                assertThat(client.stats()).isEqualTo(new TallyStats(3, 3, 0, 0, 0, 1, 1));
            }
        }
    }

    @Test
    void doesNotRetryA400AndCountsTheBatchAsFailed() throws Exception {
        List<String> failures = new CopyOnWriteArrayList<>();
        TallyListener listener = new TallyListener() {
            @Override
            public void onFailed(List<String> messageIds, String reason) {
                failures.add(messageIds.size() + " " + reason);
            }
        };
        try (FakeCollector collector = FakeCollector.start()) {
            collector.respondWith((request, number) ->
                    FakeCollector.Reply.of(400, "{\"error\":{\"code\":\"invalid_batch\",\"message\":\"batch must be an array\",\"index\":0}}"));
            try (TallyClient client = TestClients.builder(collector).listener(listener).build()) {
                TallyClientDeliveryTest.trackMany(client, 4);
                assertThat(client.flush()).isTrue();

                assertThat(collector.requests()).hasSize(1);
                assertThat(client.stats()).isEqualTo(new TallyStats(4, 0, 0, 4, 0, 0, 0));
                assertThat(failures).singleElement().asString()
                        .startsWith("4 ").contains("400").contains("invalid_batch");
            }
        }
    }

    @Test
    void givesUpAfterMaxRetriesAndCountsTheBatchAsFailed() throws Exception {
        try (FakeCollector collector = FakeCollector.start()) {
            collector.respondWith((request, number) -> FakeCollector.Reply.of(500, "boom"));
            try (TallyClient client = TestClients.builder(collector).maxRetries(2).build()) {
                List<String> ids = TallyClientDeliveryTest.trackMany(client, 2);
                assertThat(client.flush()).isTrue();

                assertThat(collector.requests()).extracting(FakeCollector.Request::messageIds).containsExactly(ids, ids, ids);
                assertThat(client.stats()).isEqualTo(new TallyStats(2, 0, 0, 2, 0, 2, 0));
            }
        }
    }

    @Test
    void retriesA429() throws Exception {
        try (FakeCollector collector = FakeCollector.start()) {
            collector.respondWith((request, number) ->
                    number == 1 ? FakeCollector.Reply.of(429, "") : FakeCollector.acceptAll(request));
            try (TallyClient client = TestClients.builder(collector).build()) {
                TallyClientDeliveryTest.trackMany(client, 2);
                assertThat(client.flush()).isTrue();

                assertThat(client.stats()).isEqualTo(new TallyStats(2, 2, 0, 0, 0, 1, 1));
            }
        }
    }
}
