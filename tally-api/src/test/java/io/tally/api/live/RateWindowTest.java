package io.tally.api.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RateWindowTest {
    private static final Instant T = Instant.parse("2026-05-01T12:00:00Z");

    @Test
    void theFirstSampleHasNoRateAndLaterOnesMeasureOverTheSpan() {
        RateWindow window = new RateWindow(Duration.ofSeconds(10));
        assertThat(window.update(T, 100)).isEmpty();
        assertThat(window.update(T.plusMillis(200), 150)).as("too soon to say").isEmpty();
        assertThat(window.update(T.plusSeconds(2), 120).getAsDouble()).isCloseTo(10.0, within(1e-9));
        assertThat(window.update(T.plusSeconds(4), 140).getAsDouble()).isCloseTo(10.0, within(1e-9));
        // a burst, then quiet: the rate follows the last ten seconds, not all time
        window.update(T.plusSeconds(6), 1_140);
        assertThat(window.update(T.plusSeconds(30), 1_140).getAsDouble()).isCloseTo(0.0, within(1e-9));
    }

    @Test
    void aCounterThatGoesBackStartsOver() {
        RateWindow window = new RateWindow(Duration.ofSeconds(10));
        window.update(T, 500);
        window.update(T.plusSeconds(2), 600);
        assertThat(window.update(T.plusSeconds(3), 10)).isEmpty();
        assertThat(window.update(T.plusSeconds(5), 30).getAsDouble()).isCloseTo(10.0, within(1e-9));
    }
}
