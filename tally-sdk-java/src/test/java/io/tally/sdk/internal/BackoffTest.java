package io.tally.sdk.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

class BackoffTest {
    private static final Duration BASE = Duration.ofMillis(100);
    private static final Duration MAX = Duration.ofSeconds(10);

    @Test
    void theCeilingDoublesPerRetryUpToTheMaximum() {
        Backoff backoff = new Backoff(BASE, MAX, always(Pick.HIGHEST));

        assertThat(backoff.delay(0, Duration.ZERO)).isEqualTo(Duration.ofMillis(100));
        assertThat(backoff.delay(1, Duration.ZERO)).isEqualTo(Duration.ofMillis(200));
        assertThat(backoff.delay(5, Duration.ZERO)).isEqualTo(Duration.ofMillis(3200));
        assertThat(backoff.delay(7, Duration.ZERO)).isEqualTo(MAX);
        assertThat(backoff.delay(100, Duration.ZERO)).isEqualTo(MAX);
    }

    @Test
    void fullJitterCanGoDownToZeroButNeverBelowRetryAfter() {
        Backoff backoff = new Backoff(BASE, MAX, always(Pick.LOWEST));

        assertThat(backoff.delay(3, Duration.ZERO)).isZero();
        assertThat(backoff.delay(3, Duration.ofSeconds(2))).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void delaysStayWithinTheirCeiling() {
        Backoff backoff = new Backoff(BASE, MAX, new SplittableRandom(42));
        for (int retry = 0; retry < 20; retry++) {
            Duration ceiling = BASE.multipliedBy(1L << Math.min(retry, 30));
            Duration delay = backoff.delay(retry, Duration.ZERO);
            assertThat(delay).isBetween(Duration.ZERO, ceiling.compareTo(MAX) < 0 ? ceiling : MAX);
        }
    }

    private enum Pick { LOWEST, HIGHEST }

    private static RandomGenerator always(Pick pick) {
        return new RandomGenerator() {
            @Override
            public long nextLong() {
                throw new UnsupportedOperationException("only bounded draws are expected");
            }

            @Override
            public long nextLong(long bound) {
                return pick == Pick.LOWEST ? 0 : bound - 1;
            }
        };
    }
}
