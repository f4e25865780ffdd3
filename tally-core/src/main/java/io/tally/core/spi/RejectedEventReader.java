package io.tally.core.spi;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Reads the dead-letter log: for the loader, which copies refused events into the store where users
 * can list them, and for replay, which sends those that now pass through the normal path. Not
 * thread-safe; one reader per reading thread.
 */
public interface RejectedEventReader extends AutoCloseable {

    /** Every partition of the dead-letter log. */
    List<LogPartition> partitions();

    /** Reads from these positions next; a partition not in the map is read from its beginning. */
    void seek(Map<LogPartition, Long> positions);

    /** Reads from the first record appended at or after {@code since} in every partition next. */
    void seek(Instant since);

    /** The offset after the last record of each partition, now. */
    Map<LogPartition, Long> endPositions();

    /** The next offset this reader will read, per partition. */
    Map<LogPartition, Long> positions();

    /** Waits up to {@code timeout} for records; empty on timeout. */
    List<LoggedRejection> poll(Duration timeout);

    @Override
    void close();
}
