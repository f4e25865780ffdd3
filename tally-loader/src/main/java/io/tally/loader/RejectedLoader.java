package io.tally.loader;

import static java.util.Objects.requireNonNull;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.tally.core.spi.EventStore;
import io.tally.core.spi.LogPartition;
import io.tally.core.spi.LoggedRejection;
import io.tally.core.spi.RejectedEventReader;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies refused events from the dead-letter log into the store, where users list them. Each poll is
 * written with its log positions in one store call, so a restart resumes where the store says; when the
 * store fails, the loader waits (doubling up to 30 s) and re-reads from the stored positions.
 */
public final class RejectedLoader implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RejectedLoader.class);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

    private final RejectedEventReader reader;
    private final EventStore store;
    private final Counter loaded;
    private final Thread thread;
    private volatile boolean stopping;

    public RejectedLoader(RejectedEventReader reader, EventStore store, MeterRegistry metrics) {
        this.reader = requireNonNull(reader, "reader is null");
        this.store = requireNonNull(store, "store is null");
        this.loaded = Counter.builder("tally.loader.rejected.loaded")
                .description("Refused events copied from the dead-letter topic into the store").register(metrics);
        this.thread = new Thread(this::run, "tally-rejected-loader");
        thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    private void run() {
        Duration backoff = Duration.ofMillis(500);
        boolean positioned = false;
        while (!stopping) {
            try {
                if (!positioned) {
                    reader.seek(store.positions(new HashSet<>(reader.partitions())));
                    positioned = true;
                }
                List<LoggedRejection> batch = reader.poll(Duration.ofMillis(500));
                if (!batch.isEmpty()) {
                    store.writeRejected(batch, nextOffsets(batch));
                    loaded.increment(batch.size());
                }
                backoff = Duration.ofMillis(500);
            } catch (RuntimeException e) {
                if (stopping) {
                    return;
                }
                log.warn("copying refused events into the store failed, retrying in {} ms: {}", backoff.toMillis(), e.getMessage());
                positioned = false;
                sleep(backoff);
                backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
            }
        }
    }

    private static Map<LogPartition, Long> nextOffsets(List<LoggedRejection> batch) {
        Map<LogPartition, Long> next = new HashMap<>();
        for (LoggedRejection r : batch) {
            next.merge(r.partition(), r.offset() + 1, Math::max);
        }
        return next;
    }

    private void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopping = true;
        }
    }

    @Override
    public void close() {
        if (stopping) {
            return;
        }
        stopping = true;
        try {
            thread.join(3_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!thread.isAlive()) {
            reader.close();
        }
    }
}
