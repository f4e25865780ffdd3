package io.tally.sdk;

import java.time.Duration;

/** Client settings for tests: only count, bytes or an explicit flush send a batch, and retries come quickly. */
final class TestClients {
    static final String WRITE_KEY = "test-write-key";

    private TestClients() {}

    static TallyClientBuilder builder(FakeCollector collector) {
        return TallyClient.builder(WRITE_KEY)
                .endpoint(collector.endpoint())
                .flushInterval(Duration.ofHours(1))
                .retryBackoff(Duration.ofMillis(5), Duration.ofMillis(50))
                .httpTimeout(Duration.ofSeconds(10))
                .closeTimeout(Duration.ofSeconds(20));
    }
}
