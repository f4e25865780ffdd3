package io.tally.core.spi;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.function.Consumer;

/**
 * A small, totally ordered log of settings that every process must see the same way: tracking plans
 * today. Each process folds the records, in log order, into its own state; because every process
 * applies the same records in the same order with the same code, they all reach the same state, and a
 * decision such as "this schema version was registered first" needs no lock.
 *
 * <p>Records are never compacted away, so a process that starts later replays the whole history.
 */
public interface ConfigLog extends AutoCloseable {

    /**
     * Delivers every record already in the log to {@code applier}, returning once they are all applied,
     * then keeps delivering new ones as they arrive, one at a time, on one thread.
     */
    void open(Consumer<ConfigRecord> applier);

    /**
     * Appends a record and waits until this process's applier has applied it, so the caller can read
     * the outcome of its own write.
     *
     * @return the record's position in the log
     * @throws io.tally.core.TallyException {@code LOG_UNAVAILABLE} when the log does not acknowledge and
     *     apply the record within {@code timeout}
     */
    long append(String key, String value, Duration timeout);

    @Override
    void close();

    /** One record: {@code position} orders records; {@code key} says what it is about. */
    record ConfigRecord(long position, String key, String value) {
        public ConfigRecord {
            requireNonNull(key, "key is null");
            requireNonNull(value, "value is null");
        }
    }
}
