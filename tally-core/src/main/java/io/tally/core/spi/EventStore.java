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
     * Stores refused events read from the dead-letter log, skipping those already stored (by log
     * position), and records {@code nextOffsets} with them, as {@link #write} does for events.
     */
    void writeRejected(List<LoggedRejection> rejected, Map<LogPartition, Long> nextOffsets);

    /** The next offset to read for each of the given partitions that has a stored position. */
    Map<LogPartition, Long> positions(Set<LogPartition> partitions);

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

    /** The outcome of one write. */
    record WriteResult(int written, int duplicates) {
    }
}
