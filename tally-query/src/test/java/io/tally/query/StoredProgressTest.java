package io.tally.query;

import static org.assertj.core.api.Assertions.assertThat;

import io.tally.core.spi.LogPartition;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class StoredProgressTest {
    private static final LogPartition P0 = new LogPartition("tally.events", 0);
    private static final LogPartition P1 = new LogPartition("tally.events", 1);

    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-11-28T10:00:00Z"));
    private final Map<LogPartition, Long> ends = new HashMap<>();
    private final Map<LogPartition, Long> stored = new HashMap<>();
    private final StoredProgress progress = new StoredProgress(() -> Map.copyOf(ends), partitions -> Map.copyOf(stored), clock());

    @Test
    void aSampleTimeIsCompleteOnceEveryPartitionIsStoredUpToItsEnds() {
        assertThat(progress.completeUpTo()).isEmpty();
        assertThat(progress.lagEvents()).isEqualTo(-1);
        ends.put(P0, 10L);
        ends.put(P1, 5L);
        stored.put(P0, 10L);
        progress.sample();
        // partition 1 has nothing stored yet: nothing is known to be complete
        assertThat(progress.completeUpTo()).isEmpty();
        assertThat(progress.lagEvents()).isEqualTo(5);

        tick();
        ends.put(P0, 12L);
        stored.put(P1, 5L);
        progress.sample();
        // the first sample's ends are reached, the second's (P0 at 12) are not
        assertThat(progress.completeUpTo()).contains(Instant.parse("2026-11-28T10:00:00Z"));
        assertThat(progress.lagEvents()).isEqualTo(2);

        tick();
        stored.put(P0, 12L);
        progress.sample();
        assertThat(progress.completeUpTo()).contains(Instant.parse("2026-11-28T10:00:02Z"));
        assertThat(progress.lagEvents()).isZero();
    }

    @Test
    void anEmptyLogIsCompleteAtOnce() {
        ends.put(P0, 0L);
        progress.sample();
        assertThat(progress.completeUpTo()).contains(now.get());
        assertThat(progress.lagEvents()).isZero();
    }

    private void tick() {
        now.set(now.get().plusSeconds(1));
    }

    private Clock clock() {
        return new Clock() {
            @Override
            public ZoneOffset getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return now.get();
            }
        };
    }
}
