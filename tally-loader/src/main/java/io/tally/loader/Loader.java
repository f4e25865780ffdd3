package io.tally.loader;

import static java.util.Objects.requireNonNull;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.tally.core.TallyException;
import io.tally.core.event.Event;
import io.tally.core.spi.EventSource;
import io.tally.core.spi.EventStore;
import io.tally.core.spi.LogPartition;
import io.tally.core.spi.LoggedEvent;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves events from the log into the store, in batches, exactly once.
 *
 * <p>Exactly once rests on two facts: the store records the log positions in the same transaction as
 * the rows (so a crash either keeps both or neither), and the source resumes from the store's
 * positions. A crash after the write and before anything else re-reads nothing; a crash before the
 * commit re-reads the batch, whose rows were not kept. The store's (project, messageId) key then
 * absorbs clients' own retries.
 *
 * <p>Batches are written on a thread of their own, one at a time and in the order they were read, while
 * the reading thread polls and decodes the next one and lets the store prepare it
 * ({@link EventStore#prepare}: ClickHouse encodes its rows there). On the loading benchmark, polling and
 * decoding (13 s of 79) and encoding the rows took place while the server sat idle. At most one batch
 * is written while the next one fills, so memory stays bounded by two batches. Before partitions are
 * released or positions are read for newly assigned ones, the reading thread waits for the batch being
 * written, so a new owner always resumes from positions that include it.
 *
 * <p>When the store fails, the writer keeps its batch and retries with exponential backoff; the reader
 * fills one more batch and then waits, so the lag grows visibly instead of memory.
 */
public final class Loader implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Loader.class);
    /** How long a batch cut short before the last stop may take to read again before the loader goes on without rebuilding it. */
    private static final Duration REPLAY_PATIENCE = Duration.ofSeconds(30);
    /** How many batches' worth of later events may wait for that batch. */
    private static final int REPLAY_HOLD_BATCHES = 10;

    private final EventSource source;
    private final EventStore store;
    private final LoaderSettings settings;
    private final Clock clock;
    private final AtomicReference<LoaderState> state = new AtomicReference<>(LoaderState.CREATED);
    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private final CountDownLatch stopped = new CountDownLatch(1);
    private boolean sourceClosed;
    private final Thread thread;
    private final ExecutorService writer;
    /** The batch being written, or null; set by the reading thread, cleared when its write is done. */
    private volatile PendingBatch writing;
    private Future<?> written = CompletableFuture.completedFuture(null);
    /** Positions the writer stored, for the reading thread to report to the log (the source is not thread-safe). */
    private final Queue<Map<LogPartition, Long>> storedPositions = new ConcurrentLinkedQueue<>();

    private final AtomicLong lag = new AtomicLong(-1);
    private volatile Instant completeUpTo;
    private final List<Consumer<List<Event>>> storedListeners = new CopyOnWriteArrayList<>();
    /** Read but not yet written; touched only by the loader thread (the source's callbacks run on it too). */
    private PendingBatch pending = new PendingBatch();
    private final Counter eventsWritten;
    private final Counter eventsDuplicate;
    private final Counter storeFailures;
    private final Counter loopFailures;
    private final DistributionSummary batchSize;
    private final Timer batchLatency;
    private final Timer freshness;

    public Loader(EventSource source, EventStore store, LoaderSettings settings, Clock clock, MeterRegistry metrics) {
        this.source = requireNonNull(source, "source is null");
        this.store = requireNonNull(store, "store is null");
        this.settings = requireNonNull(settings, "settings is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.thread = new Thread(this::run, "tally-loader");
        this.writer = Executors.newSingleThreadExecutor(r -> new Thread(r, "tally-loader-writer"));
        this.eventsWritten = Counter.builder("tally.loader.events.written").description("Events newly stored").register(metrics);
        this.eventsDuplicate = Counter.builder("tally.loader.events.duplicate")
                .description("Events skipped because their messageId was already stored").register(metrics);
        this.storeFailures = Counter.builder("tally.loader.store.failures").description("Failed batch writes (retried)").register(metrics);
        this.loopFailures = Counter.builder("tally.loader.failures").description("Loader iterations that failed unexpectedly (retried)")
                .register(metrics);
        this.batchSize = DistributionSummary.builder("tally.loader.batch.size").description("Events per written batch")
                .publishPercentiles(0.5, 0.99).register(metrics);
        this.batchLatency = Timer.builder("tally.loader.batch.latency").description("Time to write one batch to the store")
                .publishPercentiles(0.5, 0.99).register(metrics);
        this.freshness = Timer.builder("tally.event.freshness")
                .description("Time from the collector receiving an event to it being queryable")
                .publishPercentiles(0.5, 0.9, 0.99).register(metrics);
        metrics.gauge("tally.loader.lag.events", lag, AtomicLong::get);
    }

    /** Starts the loading thread. */
    public void start() {
        if (!state.compareAndSet(LoaderState.CREATED, LoaderState.RUNNING)) {
            throw new IllegalStateException("loader already started: " + state.get());
        }
        thread.start();
    }

    public LoaderState state() {
        return state.get();
    }

    /** Events in the log not stored yet (unread, or read and waiting in the batch); -1 when not known yet. */
    public long lag() {
        return lag.get();
    }

    private void run() {
        try {
            // both callbacks run on this thread, inside source.poll; each waits until no write is under way
            source.open(assigned -> {
                awaitWriter();
                Map<LogPartition, Long> positions = store.positions(assigned);
                Map<LogPartition, Long> unfinished = store.unfinishedBatch(assigned);
                if (!unfinished.isEmpty()) {
                    // the same offsets make the same batch again, so the store can recognise the retry
                    log.info("rebuilding the batch cut short before the last stop: up to {}", unfinished);
                    pending.replay(unfinished, System.nanoTime());
                }
                return positions;
            }, revoked -> {
                awaitWriter();
                pending.dropPartitions(revoked, System.nanoTime());
            });
            long backoff = settings.retryBackoffMin().toMillis();
            while (state.get() == LoaderState.RUNNING) {
                try {
                    List<LoggedEvent> polled = source.poll(settings.pollTimeout());
                    long now = System.nanoTime();
                    for (LoggedEvent e : polled) {
                        pending.add(e, now);
                    }
                    reportStored();
                    lag.set(unstoredLag());
                    if (isDue(pending, now)) {
                        PendingBatch batch = pending;
                        // the store's own work on the batch, while the previous batch is still being written
                        EventStore.PreparedBatch prepared = store.prepare(batch.events());
                        awaitWriter();
                        // everything read so far is in this batch, so once it is stored, so is every
                        // record the source had caught up with by now
                        Optional<Instant> caughtUp = source.caughtUpAsOf();
                        writing = batch;
                        written = writer.submit(() -> {
                            try {
                                if (writeWithRetry(batch, prepared)) {
                                    caughtUp.ifPresent(this::advanceCompleteUpTo);
                                }
                            } finally {
                                writing = null;
                            }
                        });
                        pending = batch.next(now);
                    }
                    if (pending.isEmpty() && writing == null) {
                        // everything read is stored, so whatever the source had caught up with is queryable
                        source.caughtUpAsOf().ifPresent(this::advanceCompleteUpTo);
                    }
                    backoff = settings.retryBackoffMin().toMillis();
                } catch (RuntimeException e) {
                    // the batch read so far is kept; a loader that gave up would only move the problem to
                    // the operator, so it keeps trying, visibly, in the log and the failure counter
                    loopFailures.increment();
                    log.error("loader iteration failed, retrying in {} ms", backoff, e);
                    pause(backoff);
                    backoff = Math.min(settings.retryBackoffMax().toMillis(), backoff * 2);
                }
            }
            // what was read is written on a clean stop, so the next start re-reads nothing
            awaitWriter();
            if (!pending.events().isEmpty()) {
                writeWithRetry(pending, store.prepare(pending.events()));
            }
            reportStored();
        } catch (RuntimeException e) {
            log.error("loader stopped by an unexpected error; events not written stay in the log", e);
        } finally {
            writer.shutdownNow();
            state.set(LoaderState.STOPPED);
            stopped.countDown();
        }
    }

    /**
     * Waits until the batch being written is stored (or given up on a stop), keeping the lag current
     * meanwhile: while the store fails, this is where the reading thread waits.
     */
    private void awaitWriter() {
        while (true) {
            try {
                written.get(settings.pollTimeout().toMillis(), TimeUnit.MILLISECONDS);
                return;
            } catch (TimeoutException e) {
                lag.set(unstoredLag());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for a batch write", e);
            } catch (ExecutionException e) {
                // writeWithRetry retries every exception itself, so this is an Error (out of memory): the
                // loader stops, and the batch, never stored, stays in the log for the next start
                if (e.getCause() instanceof Error error) {
                    throw error;
                }
                throw new IllegalStateException("a batch write failed", e.getCause());
            }
        }
    }

    /** Tells the log which positions are stored, on the reading thread that owns the source. */
    private void reportStored() {
        for (Map<LogPartition, Long> positions = storedPositions.poll(); positions != null; positions = storedPositions.poll()) {
            source.markStored(positions);
        }
    }

    /** Events in the log not yet stored: not read yet, plus read and waiting in a batch or being written. */
    private long unstoredLag() {
        long unread = source.lag();
        PendingBatch inWrite = writing;
        return unread < 0 ? -1 : unread + pending.size() + (inWrite == null ? 0 : inWrite.size());
    }

    /**
     * A batch being rebuilt is due when it is whole, however long that takes, up to a limit: its events
     * are the first the log returns from the stored positions, so only a log that lost them (retention)
     * keeps it from completing. Meanwhile the events held back for later are bounded too, so that a
     * fast stream cannot fill the heap while the loader waits.
     */
    private boolean isDue(PendingBatch batch, long now) {
        if (batch.isReplay()) {
            if (batch.replayComplete()) {
                return true;
            }
            boolean heldTooMany = batch.size() > REPLAY_HOLD_BATCHES * (long) settings.maxBatchEvents();
            if (batch.replayAgeNanos(now) < REPLAY_PATIENCE.toNanos() && !heldTooMany) {
                return false;
            }
            log.warn("the batch cut short before the last stop could not be rebuilt within {}; loading on without it", REPLAY_PATIENCE);
            batch.stopReplay(now);
        }
        return !batch.events().isEmpty() && (batch.events().size() >= settings.maxBatchEvents()
                || batch.estimatedBytes() >= settings.maxBatchBytes()
                || batch.ageNanos(now) >= settings.maxBatchDelay().toNanos());
    }

    /**
     * Writes the batch, retrying every failure with backoff until it is stored or the loader stops. A
     * failure that is not the store's (a bug) is retried too, counted apart: giving up would only move
     * the problem to the operator, and the batch must not be skipped.
     *
     * @return whether the batch was stored; false only when the loader stopped first
     */
    private boolean writeWithRetry(PendingBatch batch, EventStore.PreparedBatch prepared) {
        long backoff = settings.retryBackoffMin().toMillis();
        while (true) {
            long start = System.nanoTime();
            try {
                EventStore.WriteResult result = store.write(prepared, batch.nextOffsets());
                batchLatency.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
                afterWrite(batch, result);
                return true;
            } catch (RuntimeException e) {
                (e instanceof TallyException ? storeFailures : loopFailures).increment();
                if (state.get() == LoaderState.STOPPED) {
                    return false;
                }
                if (e instanceof TallyException) {
                    log.warn("store write of {} events failed, retrying in {} ms: {}", batch.events().size(), backoff, e.getMessage());
                } else {
                    log.error("store write of {} events failed unexpectedly, retrying in {} ms", batch.events().size(), backoff, e);
                }
                if (!pause(backoff)) {
                    // closed while the store was down: the batch stays in the log for the next start
                    return false;
                }
                backoff = Math.min(settings.retryBackoffMax().toMillis(), backoff * 2);
            }
        }
    }

    /**
     * Every event accepted before this instant is stored: the source had caught up with the log then,
     * and nothing it had read was waiting. Empty until the first time that held.
     */
    public Optional<Instant> completeUpTo() {
        return Optional.ofNullable(completeUpTo);
    }

    /** Both threads move it, each with an instant that holds; it never goes back. */
    private synchronized void advanceCompleteUpTo(Instant instant) {
        if (completeUpTo == null || instant.isAfter(completeUpTo)) {
            completeUpTo = instant;
        }
    }

    /**
     * Calls {@code listener} on the loader's writing thread with the events of every successful write (a
     * query cache drops answers those events change). Add listeners before {@link #start()}; they must be quick.
     */
    public void onStored(Consumer<List<Event>> listener) {
        storedListeners.add(requireNonNull(listener, "listener is null"));
    }

    private void afterWrite(PendingBatch batch, EventStore.WriteResult result) {
        eventsWritten.increment(result.written());
        eventsDuplicate.increment(result.duplicates());
        batchSize.record(batch.events().size());
        Instant now = clock.instant();
        for (Event e : batch.events()) {
            freshness.record(Duration.between(e.receivedAt(), now));
        }
        storedPositions.add(batch.nextOffsets());
        for (Consumer<List<Event>> listener : storedListeners) {
            try {
                listener.accept(batch.events());
            } catch (RuntimeException e) {
                log.warn("a stored-events listener failed: {}", e.getMessage());
            }
        }
    }

    /** Sleeps with jitter; returns false when the loader is closing and should give up the batch. */
    private boolean pause(long millis) {
        long jittered = millis / 2 + ThreadLocalRandom.current().nextLong(millis / 2 + 1);
        try {
            return !stopRequested.await(jittered, TimeUnit.MILLISECONDS) && state.get() == LoaderState.RUNNING;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Stops after the current batch is written; bounded by {@code timeout}. Idempotent. */
    public void close(Duration timeout) {
        if (state.compareAndSet(LoaderState.CREATED, LoaderState.STOPPED)) {
            stopped.countDown();
            writer.shutdownNow();
            source.close();
            return;
        }
        if (state.compareAndSet(LoaderState.RUNNING, LoaderState.STOPPING)) {
            stopRequested.countDown();
            source.wakeup();
        }
        try {
            if (!stopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                log.warn("loader did not stop within {}; its unwritten batch will be re-read at the next start", timeout);
                state.set(LoaderState.STOPPED);
                writer.shutdownNow();
                source.wakeup();
                thread.join(1_000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (this) {
            if (!sourceClosed) {
                sourceClosed = true;
                try {
                    source.close();
                } catch (RuntimeException e) {
                    log.warn("closing the event source failed: {}", e.getMessage());
                }
            }
        }
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(30));
    }
}
