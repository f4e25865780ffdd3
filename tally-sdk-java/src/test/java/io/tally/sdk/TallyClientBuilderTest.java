package io.tally.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class TallyClientBuilderTest {

    @Test
    void buildsWithDefaults() {
        try (TallyClient client = TallyClient.builder("key").build()) {
            assertThat(client.stats()).isEqualTo(new TallyStats(0, 0, 0, 0, 0, 0, 0));
        }
    }

    @Test
    void rejectsEachWrongSettingByName() {
        assertRejected("writeKey", b -> b, "  ");
        assertRejected("endpoint", b -> b.endpoint(URI.create("ftp://example.com")));
        assertRejected("endpoint", b -> b.endpoint(URI.create("/relative")));
        assertRejected("endpoint", b -> b.endpoint(URI.create("http://example.com?x=1")));
        assertRejected("flushAt", b -> b.flushAt(0));
        assertRejected("maxBatchBytes", b -> b.maxBatchBytes(1000));
        assertRejected("maxBatchBytes", b -> b.maxBatchBytes(600_000));
        assertRejected("maxBufferBytes", b -> b.maxBatchBytes(100_000).maxBufferBytes(50_000));
        assertRejected("flushInterval", b -> b.flushInterval(Duration.ZERO));
        assertRejected("enqueueTimeout", b -> b.enqueueTimeout(Duration.ofMillis(-1)));
        assertRejected("maxRetries", b -> b.maxRetries(-1));
        assertRejected("retryBaseDelay", b -> b.retryBackoff(Duration.ZERO, Duration.ofSeconds(1)));
        assertRejected("retryMaxDelay", b -> b.retryBackoff(Duration.ofSeconds(2), Duration.ofSeconds(1)));
        assertRejected("httpTimeout", b -> b.httpTimeout(Duration.ofSeconds(-1)));
        assertRejected("flushTimeout", b -> b.flushTimeout(Duration.ZERO));
        assertRejected("closeTimeout", b -> b.closeTimeout(Duration.ofSeconds(-1)));
    }

    @Test
    void acceptsTheLimitsThemselves() {
        try (TallyClient client = TallyClient.builder("key")
                .endpoint(URI.create("https://tally.example.com/base/"))
                .flushAt(1)
                .maxBatchBytes(500_000)
                .maxBufferBytes(500_000)
                .build()) {
            assertThat(client.stats().enqueued()).isZero();
        }
        try (TallyClient client = TallyClient.builder("key")
                .maxBatchBytes(32 * 1024 + 56)
                .maxBufferBytes(32 * 1024 + 56)
                .enqueueTimeout(Duration.ZERO)
                .maxRetries(0)
                .closeTimeout(Duration.ZERO)
                .build()) {
            assertThat(client.stats().enqueued()).isZero();
        }
    }

    @Test
    void rejectsNullsByName() {
        assertThatNullPointerException().isThrownBy(() -> TallyClient.builder(null)).withMessageContaining("writeKey");
        assertThatNullPointerException().isThrownBy(() -> TallyClient.builder("k").endpoint(null)).withMessageContaining("endpoint");
        assertThatNullPointerException().isThrownBy(() -> TallyClient.builder("k").clock(null)).withMessageContaining("clock");
    }

    private static void assertRejected(String setting, UnaryOperator<TallyClientBuilder> configure) {
        assertRejected(setting, configure, "key");
    }

    private static void assertRejected(String setting, UnaryOperator<TallyClientBuilder> configure, String writeKey) {
        assertThatThrownBy(() -> configure.apply(TallyClient.builder(writeKey)).build().close())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(setting);
    }
}
