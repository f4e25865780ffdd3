package io.tally.loader;

import static org.assertj.core.api.Assertions.assertThat;

import io.tally.core.event.Event;
import io.tally.core.event.EventType;
import io.tally.core.spi.LogPartition;
import io.tally.core.spi.LoggedEvent;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PendingBatchTest {
    private static final LogPartition P0 = new LogPartition("tally.events", 0);
    private static final LogPartition P1 = new LogPartition("tally.events", 1);

    private static LoggedEvent logged(String id, LogPartition partition, long offset) {
        Instant at = Instant.parse("2026-01-01T00:00:00Z");
        Event e = new Event("p", id, EventType.TRACK, "e", "u", "u", null, at, at, null, null, null, null, null, "{}", "{}", "{}", null, null);
        return new LoggedEvent(e, partition, offset);
    }

    @Test
    void droppingARevokedPartitionForgetsItsEventsAndPosition() {
        PendingBatch batch = new PendingBatch();
        batch.add(logged("a", P0, 10), 0);
        batch.add(logged("b", P1, 5), 1);
        batch.add(logged("c", P0, 11), 2);
        long bytesOfThree = batch.estimatedBytes();

        batch.dropPartitions(Set.of(P0), 0);

        assertThat(batch.events()).extracting(Event::messageId).containsExactly("b");
        assertThat(batch.nextOffsets()).isEqualTo(Map.of(P1, 6L));
        assertThat(batch.estimatedBytes()).isEqualTo(bytesOfThree / 3);
        batch.dropPartitions(Set.of(P1), 0);
        assertThat(batch.isEmpty()).isTrue();
        assertThat(batch.nextOffsets()).isEmpty();
    }
}
