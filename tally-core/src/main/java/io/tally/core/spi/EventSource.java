package io.tally.core.spi;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The reading side of the event log, as a loader sees it. Not thread-safe except {@link #wakeup()}.
 *
 * <p>The source does not decide where to resume: whenever partitions are assigned it asks
 * {@code resumeFrom} (the store, which keeps positions in the same transaction as the rows), so that
 * the store alone is the truth about what was loaded.
 */
public interface EventSource extends AutoCloseable {

    /**
     * Starts reading; {@code resumeFrom} maps newly assigned partitions to the next offset to read, and
     * {@code beforeRelease} is told, on the reading thread inside {@link #poll}, which partitions this
     * source is about to lose to another reader, before that reader may start on them.
     */
    void open(Function<Set<LogPartition>, Map<LogPartition, Long>> resumeFrom, Consumer<Set<LogPartition>> beforeRelease);

    /** Waits up to {@code timeout} for events; returns an empty list on timeout or after {@link #wakeup()}. */
    List<LoggedEvent> poll(Duration timeout);

    /** Tells the log what has been durably stored, for operators' lag tools. Best effort. */
    void markStored(Map<LogPartition, Long> nextOffsets);

    /**
     * Events in the log not yet read by this source, summed over its partitions; -1 when unknown. Called
     * from the reading thread, also while the reader waits for a failed store, so it must not rely on
     * polls alone to stay current.
     */
    long lag();

    /**
     * The latest instant such that every record appended to this source's partitions before it has
     * been returned by {@link #poll}; empty until known. Called from the reading thread.
     */
    default Optional<Instant> caughtUpAsOf() {
        return Optional.empty();
    }

    /** Makes a blocked {@link #poll} return early. Safe from any thread. */
    void wakeup();

    @Override
    void close();
}
