package io.tally.core.spi;

import io.tally.core.event.Event;
import io.tally.core.retention.RetentionPolicy;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Where events rest. Implementations: DuckDB (embedded), ClickHouse (cluster).
 *
 * <p>The exactly-once contract: {@link #write} stores the new events and the log positions
 * atomically, and skips events whose (project, messageId) is already stored. A loader that crashes
 * after a write resumes from {@link #positions}; one that crashes before it re-reads the same events.
 */
public interface EventStore extends AutoCloseable {

    /**
     * Stores the events that are not stored yet and records {@code nextOffsets} in one transaction.
     *
     * @return how many events were new
     */
    WriteResult write(List<Event> events, Map<LogPartition, Long> nextOffsets);

    /**
     * The work on a batch that needs nothing from the store, such as encoding its rows. The loader calls
     * it on its reading thread while the previous batch is still being written, and then passes the
     * result to {@link #write(PreparedBatch, Map)}; the events must not change in between. By default
     * nothing is done ahead.
     */
    default PreparedBatch prepare(List<Event> events) {
        return () -> events;
    }

    /** Writes a batch that {@link #prepare} of this store made; the contract of {@link #write(List, Map)}. */
    default WriteResult write(PreparedBatch batch, Map<LogPartition, Long> nextOffsets) {
        return write(batch.events(), nextOffsets);
    }

    /**
     * Stores refused events read from the dead-letter log, skipping those already stored (by log
     * position), and records {@code nextOffsets} with them, as {@link #write} does for events.
     */
    void writeRejected(List<LoggedRejection> rejected, Map<LogPartition, Long> nextOffsets);

    /** The next offset to read for each of the given partitions that has a stored position. */
    Map<LogPartition, Long> positions(Set<LogPartition> partitions);

    /**
     * Where a batch ended whose write began but whose positions were never stored (the loader died in
     * between), when all of its partitions are among {@code partitions}; else empty. A loader that makes
     * its next batch of exactly these partitions, from the stored positions up to these ends, sends the
     * same events again, and a store that writes them as the same block can drop the repeat (ClickHouse's
     * replicated tables do). By default a store keeps no such record: its write is atomic.
     */
    default Map<LogPartition, Long> unfinishedBatch(Set<LogPartition> partitions) {
        return Map.of();
    }

    /** Number of stored events of a project (for health and tests). */
    long countEvents(String project);

    /**
     * Deletes what {@code policy} no longer keeps at {@code now}: raw events (and their ids) and rollups.
     * Safe to run while the loader writes; a store may keep data somewhat longer than the policy (for
     * example until a whole month can be dropped), never shorter.
     *
     * @return what was done, one line per action, for the log
     */
    List<String> expire(RetentionPolicy policy, Instant now);

    /** A short name for {@code meta.store} and metrics, e.g. {@code duckdb}. */
    String name();

    @Override
    void close();

    /** A batch of events with whatever {@link #prepare} worked out for it. */
    interface PreparedBatch {
        List<Event> events();
    }

    /** The outcome of one write. */
    record WriteResult(int written, int duplicates) {
    }
}
