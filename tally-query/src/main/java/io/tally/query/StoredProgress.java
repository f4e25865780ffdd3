package io.tally.query;

import static java.util.Objects.requireNonNull;

import io.tally.core.spi.LogPartition;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How far loading has come, for a process that serves queries without a loader of its own (cluster
 * mode, where loaders run elsewhere): worked out from the event log's end offsets and the positions
 * the loaders stored with their batches.
 *
 * <p>Once a second it notes the time, then reads the log's ends: every event acknowledged before that
 * time lies below those ends. Once the stored positions reach a sample's ends in every partition,
 * every event accepted before the sample's time is stored, so that time is complete. The lag is the
 * events between the stored positions and the latest ends.
 */
public final class StoredProgress implements IngestionProgress, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StoredProgress.class);
    /** Samples not yet reached; beyond this many the oldest go, which only holds the answer back. */
    private static final int MAX_PENDING = 600;

    private final Supplier<Map<LogPartition, Long>> logEnds;
    private final Function<Set<LogPartition>, Map<LogPartition, Long>> storedPositions;
    private final Clock clock;
    private final Deque<Sample> pending = new ArrayDeque<>();
    private final ScheduledExecutorService scheduler;
    private volatile Instant completeUpTo;
    private volatile long lag = -1;

    /**
     * @param logEnds the end offset of every partition of the event log, read when called
     * @param storedPositions the next offset the store holds per partition (absent: nothing stored yet)
     */
    public StoredProgress(Supplier<Map<LogPartition, Long>> logEnds, Function<Set<LogPartition>, Map<LogPartition, Long>> storedPositions,
                          Clock clock) {
        this.logEnds = requireNonNull(logEnds, "logEnds is null");
        this.storedPositions = requireNonNull(storedPositions, "storedPositions is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "tally-stored-progress");
            t.setDaemon(true);
            return t;
        });
    }

    /** Samples every {@code interval} on a thread of its own until closed. */
    public StoredProgress start(Duration interval) {
        scheduler.scheduleWithFixedDelay(() -> {
            try {
                sample();
            } catch (RuntimeException e) {
                // Kafka or the store is away: the answer stays where it was and the next sample tries again
                LOG.debug("could not sample loading progress: {}", e.getMessage());
            }
        }, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    /** One sample: the time, the log's ends after it, then the stored positions. */
    synchronized void sample() {
        Instant at = clock.instant();
        Map<LogPartition, Long> ends = logEnds.get();
        pending.addLast(new Sample(at, ends));
        if (pending.size() > MAX_PENDING) {
            pending.removeFirst();
        }
        Map<LogPartition, Long> stored = storedPositions.apply(ends.keySet());
        while (!pending.isEmpty() && reached(pending.peekFirst().ends(), stored)) {
            completeUpTo = pending.removeFirst().at();
        }
        long behind = 0;
        for (Map.Entry<LogPartition, Long> end : ends.entrySet()) {
            behind += Math.max(0, end.getValue() - stored.getOrDefault(end.getKey(), 0L));
        }
        lag = behind;
    }

    private static boolean reached(Map<LogPartition, Long> ends, Map<LogPartition, Long> stored) {
        for (Map.Entry<LogPartition, Long> end : ends.entrySet()) {
            if (stored.getOrDefault(end.getKey(), 0L) < end.getValue()) {
                return false;
            }
        }
        return true;
    }

    @Override
    public Optional<Instant> completeUpTo() {
        return Optional.ofNullable(completeUpTo);
    }

    @Override
    public long lagEvents() {
        return lag;
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }

    private record Sample(Instant at, Map<LogPartition, Long> ends) {
    }
}
