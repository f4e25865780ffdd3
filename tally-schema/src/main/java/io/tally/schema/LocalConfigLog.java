package io.tally.schema;

import static java.util.Objects.requireNonNull;

import io.tally.core.spi.ConfigLog;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * A {@link ConfigLog} that lives in this process only: for tools that read a tracking plan from files
 * (code generation) and for tests. Records are applied on the appending thread, under one lock, so
 * the order is the append order as the interface requires.
 */
public final class LocalConfigLog implements ConfigLog {
    private final List<ConfigRecord> records = new ArrayList<>();
    private Consumer<ConfigRecord> applier;

    @Override
    public synchronized void open(Consumer<ConfigRecord> applier) {
        if (this.applier != null) {
            throw new IllegalStateException("already open");
        }
        this.applier = requireNonNull(applier, "applier is null");
        records.forEach(applier);
    }

    @Override
    public synchronized long append(String key, String value, Duration timeout) {
        ConfigRecord record = new ConfigRecord(records.size(), key, value);
        records.add(record);
        if (applier != null) {
            applier.accept(record);
        }
        return record.position();
    }

    @Override
    public void close() {
    }
}
