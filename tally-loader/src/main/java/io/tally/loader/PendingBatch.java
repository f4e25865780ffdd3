package io.tally.loader;

import io.tally.core.event.Event;
import io.tally.core.spi.LogPartition;
import io.tally.core.spi.LoggedEvent;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Events read but not yet written, with the log position that writing them reaches.
 *
 * <p>After a restart it may have to rebuild a batch whose write was cut short ({@link #replay}): then it
 * takes only the events of that batch's partitions below its ends, holds back everything else, and
 * is complete when every one of those partitions has reached its end. The held-back events start
 * the batch after it ({@link #next}).
 */
final class PendingBatch {
    /** The records as read; {@link #events} holds their events in the same order, for the store. */
    private final List<LoggedEvent> logged = new ArrayList<>();
    private final List<Event> events = new ArrayList<>();
    private final Map<LogPartition, Long> nextOffsets = new HashMap<>();
    private long estimatedBytes;
    private long firstAddedNanos;
    /** The ends of the batch being rebuilt, or null when this is an ordinary batch. */
    private Map<LogPartition, Long> replayEnds;
    private long replayStartedNanos;
    private final List<LoggedEvent> heldBack = new ArrayList<>();

    void add(LoggedEvent record, long nowNanos) {
        if (replayEnds != null && !inReplay(record)) {
            heldBack.add(record);
            return;
        }
        if (events.isEmpty()) {
            firstAddedNanos = nowNanos;
        }
        Event e = record.event();
        logged.add(record);
        events.add(e);
        nextOffsets.merge(record.partition(), record.offset() + 1, Math::max);
        estimatedBytes += estimateBytes(e);
    }

    private boolean inReplay(LoggedEvent logged) {
        Long end = replayEnds.get(logged.partition());
        return end != null && logged.offset() < end;
    }

    /**
     * Makes this batch the rebuild of one whose write was cut short, ending at {@code ends}. Events
     * already here that do not belong to it are held back for the next batch.
     */
    void replay(Map<LogPartition, Long> ends, long nowNanos) {
        List<LoggedEvent> already = new ArrayList<>(logged);
        clearEvents();
        replayEnds = Map.copyOf(ends);
        replayStartedNanos = nowNanos;
        already.forEach(e -> add(e, nowNanos));
    }

    long replayAgeNanos(long nowNanos) {
        return replayEnds == null ? 0 : nowNanos - replayStartedNanos;
    }

    boolean isReplay() {
        return replayEnds != null;
    }

    /** Whether every partition of the batch being rebuilt has reached its end. */
    boolean replayComplete() {
        if (replayEnds == null) {
            return false;
        }
        for (Map.Entry<LogPartition, Long> end : replayEnds.entrySet()) {
            if (nextOffsets.getOrDefault(end.getKey(), -1L) < end.getValue()) {
                return false;
            }
        }
        return true;
    }

    /** Gives up rebuilding (its events did not all come): this becomes an ordinary batch with what is here and held back. */
    void stopReplay(long nowNanos) {
        replayEnds = null;
        List<LoggedEvent> held = new ArrayList<>(heldBack);
        heldBack.clear();
        held.forEach(e -> add(e, nowNanos));
    }

    /** The batch after this one: the events held back, if any. */
    PendingBatch next(long nowNanos) {
        PendingBatch next = new PendingBatch();
        heldBack.forEach(e -> next.add(e, nowNanos));
        heldBack.clear();
        return next;
    }

    /** Strings dominate an event's size; two bytes per char is close enough for a bound. */
    private static long estimateBytes(Event e) {
        return 2L * (e.properties().length() + e.context().length() + e.traits().length()) + 256;
    }

    /**
     * Forgets the events of partitions this loader no longer owns. Their new owner reads them again
     * from the store's positions, which these events never reached; writing them here as well would
     * race with that owner. A batch being rebuilt that loses one of its partitions cannot be rebuilt.
     */
    void dropPartitions(Set<LogPartition> revoked, long nowNanos) {
        heldBack.removeIf(e -> revoked.contains(e.partition()));
        if (replayEnds != null && replayEnds.keySet().stream().anyMatch(revoked::contains)) {
            stopReplay(nowNanos);
        }
        for (int i = logged.size() - 1; i >= 0; i--) {
            if (revoked.contains(logged.get(i).partition())) {
                estimatedBytes -= estimateBytes(events.get(i));
                logged.remove(i);
                events.remove(i);
            }
        }
        nextOffsets.keySet().removeAll(revoked);
    }

    private void clearEvents() {
        logged.clear();
        events.clear();
        nextOffsets.clear();
        estimatedBytes = 0;
    }

    boolean isEmpty() {
        return events.isEmpty() && heldBack.isEmpty();
    }

    int size() {
        return events.size() + heldBack.size();
    }

    long estimatedBytes() {
        return estimatedBytes;
    }

    long ageNanos(long nowNanos) {
        return events.isEmpty() ? 0 : nowNanos - firstAddedNanos;
    }

    /** The events to write now: without those held back. */
    List<Event> events() {
        return events;
    }

    Map<LogPartition, Long> nextOffsets() {
        return nextOffsets;
    }
}
