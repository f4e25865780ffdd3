package io.tally.loader;

import io.tally.core.event.Event;
import io.tally.core.spi.LogPartition;
import io.tally.core.spi.LoggedEvent;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Events read but not yet written, with the log position that writing them reaches. */
final class PendingBatch {
    private final List<Event> events = new ArrayList<>();
    private final List<LogPartition> partitions = new ArrayList<>();
    private final Map<LogPartition, Long> nextOffsets = new HashMap<>();
    private long estimatedBytes;
    private long firstAddedNanos;

    void add(LoggedEvent logged, long nowNanos) {
        if (events.isEmpty()) {
            firstAddedNanos = nowNanos;
        }
        Event e = logged.event();
        events.add(e);
        partitions.add(logged.partition());
        nextOffsets.merge(logged.partition(), logged.offset() + 1, Math::max);
        estimatedBytes += estimateBytes(e);
    }

    /** Strings dominate an event's size; two bytes per char is close enough for a bound. */
    private static long estimateBytes(Event e) {
        return 2L * (e.properties().length() + e.context().length() + e.traits().length()) + 256;
    }

    /**
     * Forgets the events of partitions this loader no longer owns. Their new owner reads them again
     * from the store's positions, which these events never reached; writing them here as well would
     * race with that owner.
     */
    void dropPartitions(Set<LogPartition> revoked) {
        for (int i = events.size() - 1; i >= 0; i--) {
            if (revoked.contains(partitions.get(i))) {
                estimatedBytes -= estimateBytes(events.get(i));
                events.remove(i);
                partitions.remove(i);
            }
        }
        nextOffsets.keySet().removeAll(revoked);
    }

    boolean isEmpty() {
        return events.isEmpty();
    }

    int size() {
        return events.size();
    }

    long estimatedBytes() {
        return estimatedBytes;
    }

    long ageNanos(long nowNanos) {
        return events.isEmpty() ? 0 : nowNanos - firstAddedNanos;
    }

    List<Event> events() {
        return events;
    }

    Map<LogPartition, Long> nextOffsets() {
        return nextOffsets;
    }
}
