package io.tally.loader;

import io.tally.core.event.Event;
import io.tally.core.spi.LogPartition;
import io.tally.core.spi.LoggedEvent;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Events read but not yet written, with the log position that writing them reaches. */
final class PendingBatch {
    private final List<Event> events = new ArrayList<>();
    private final Map<LogPartition, Long> nextOffsets = new HashMap<>();
    private long estimatedBytes;
    private long firstAddedNanos;

    void add(LoggedEvent logged, long nowNanos) {
        if (events.isEmpty()) {
            firstAddedNanos = nowNanos;
        }
        Event e = logged.event();
        events.add(e);
        nextOffsets.merge(logged.partition(), logged.offset() + 1, Math::max);
        // strings dominate an event's size; two bytes per char is close enough for a bound
        estimatedBytes += 2L * (e.properties().length() + e.context().length() + e.traits().length()) + 256;
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
