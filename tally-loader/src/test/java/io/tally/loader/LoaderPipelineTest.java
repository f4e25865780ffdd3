package io.tally.loader;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tally.core.event.Event;
import io.tally.core.event.EventType;
import io.tally.core.retention.RetentionPolicy;
import io.tally.core.spi.EventSource;
import io.tally.core.spi.EventStore;
import io.tally.core.spi.LogPartition;
import io.tally.core.spi.LoggedEvent;
import io.tally.core.spi.LoggedRejection;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * How the loader overlaps reading with writing: one batch written at a time, in the order read, while
 * the next one is read; positions reported to the log on the reading thread; partitions released only
 * once the batch being written is stored. The real Kafka and stores are in the server's crash tests;
 * this drives the loader with a scripted log and a slow store so the timing is under the test's control.
 */
class LoaderPipelineTest {
    private static final LogPartition P0 = new LogPartition("tally.events", 0);
    private static final LogPartition P1 = new LogPartition("tally.events", 1);
    private static final Duration PATIENCE = Duration.ofSeconds(20);

    @Test
    void batchesAreWrittenOneAtATimeInTheOrderReadWhileTheNextIsRead() {
        SlowStore store = new SlowStore(Duration.ofMillis(150));
        ScriptedLog log = new ScriptedLog(store);
        for (int i = 0; i < 6; i += 2) {
            log.append(List.of(logged("m" + i, i), logged("m" + (i + 1), i + 1)));
        }
        try (Loader loader = new Loader(log, store, settings(2), Clock.systemUTC(), new SimpleMeterRegistry())) {
            loader.start();
            await(() -> store.batches.size() == 3 && log.reported.size() == 3);
        }
        assertThat(store.batches).containsExactly(List.of("m0", "m1"), List.of("m2", "m3"), List.of("m4", "m5"));
        assertThat(store.mostAtOnce.get()).isEqualTo(1);
        assertThat(log.polledWhileWriting.get()).as("the next batch was read while one was written").isPositive();
        assertThat(log.reported).containsExactly(Map.of(P0, 2L), Map.of(P0, 4L), Map.of(P0, 6L));
        assertThat(log.reportedOffTheReadingThread.get()).isZero();
    }

    @Test
    void partitionsAreReleasedOnlyOnceTheBatchUnderWayIsStored() {
        SlowStore store = new SlowStore(Duration.ofMillis(400));
        ScriptedLog log = new ScriptedLog(store);
        log.append(List.of(logged("m0", 0), logged("m1", 1)));
        log.releaseAtPoll(3, Set.of(P0));
        try (Loader loader = new Loader(log, store, settings(2), Clock.systemUTC(), new SimpleMeterRegistry())) {
            loader.start();
            await(() -> log.writesStoredAtRelease.get() >= 0);
        }
        assertThat(log.writesStoredAtRelease.get()).as("batches stored when the partition was released").isEqualTo(1);
        assertThat(store.batches).containsExactly(List.of("m0", "m1"));
    }

    /**
     * A batch whose write was cut short before the last stop is made again from exactly its offsets,
     * whatever else the log returns meanwhile; what comes after it waits for the next batch.
     */
    @Test
    void aBatchCutShortIsRebuiltFromTheSameOffsets() {
        SlowStore store = new SlowStore(Duration.ofMillis(10));
        store.unfinished = Map.of(P0, 3L, P1, 2L);
        ScriptedLog log = new ScriptedLog(store);
        log.assignOnFirstPoll = Set.of(P0, P1);
        // interleaved as a consumer returns several partitions, with events beyond both ends among them
        log.append(List.of(logged("a0", P1, 0), logged("b0", P0, 0), logged("b1", P0, 1)));
        log.append(List.of(logged("a1", P1, 1), logged("a2", P1, 2)));
        log.append(List.of(logged("b2", P0, 2), logged("b3", P0, 3)));
        try (Loader loader = new Loader(log, store, settings(100), Clock.systemUTC(), new SimpleMeterRegistry())) {
            loader.start();
            // the second batch closes by size only when it is full, so give it its own events to finish
            for (int i = 4; i < 100 + 2; i++) {
                log.append(List.of(logged("b" + i, P0, i)));
            }
            await(() -> store.batches.size() >= 2);
        }
        assertThat(store.batches.get(0)).containsExactlyInAnyOrder("a0", "a1", "b0", "b1", "b2");
        assertThat(store.offsets.get(0)).isEqualTo(Map.of(P0, 3L, P1, 2L));
        assertThat(store.batches.get(1)).startsWith("a2", "b3");
    }

    /** Under a steady stream the batch being read is never empty, yet each stored batch moves completeUpTo. */
    @Test
    void completeUpToMovesWhileEventsKeepComing() {
        SlowStore store = new SlowStore(Duration.ofMillis(50));
        ScriptedLog log = new ScriptedLog(store);
        log.endless = true;
        try (Loader loader = new Loader(log, store, settings(2), Clock.systemUTC(), new SimpleMeterRegistry())) {
            loader.start();
            await(() -> store.batches.size() >= 3);
            Instant first = log.caughtUpAt(2);
            await(() -> loader.completeUpTo().filter(t -> !t.isBefore(first)).isPresent());
            Instant seen = loader.completeUpTo().orElseThrow();
            await(() -> loader.completeUpTo().orElseThrow().isAfter(seen));
        }
    }

    private static LoaderSettings settings(int batchEvents) {
        // batches close by size only: a long delay keeps time out of the test
        return new LoaderSettings(batchEvents, 16L * 1024 * 1024, Duration.ofSeconds(30), Duration.ofMillis(20),
                Duration.ofMillis(10), Duration.ofMillis(100));
    }

    private static LoggedEvent logged(String id, long offset) {
        return logged(id, P0, offset);
    }

    private static LoggedEvent logged(String id, LogPartition partition, long offset) {
        Instant at = Instant.parse("2026-01-01T00:00:00Z");
        Event e = new Event("p", id, EventType.TRACK, "e", "u", "u", null, at, at, null, null, null, null, null, "{}", "{}", "{}", null, null);
        return new LoggedEvent(e, partition, offset);
    }

    private static void await(BooleanSupplier condition) {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not reached within " + PATIENCE);
            }
            sleep(10);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A store whose writes take a while, and which remembers each batch and how many ran at once. */
    private static final class SlowStore implements EventStore {
        private final Duration writeTime;
        final List<List<String>> batches = new CopyOnWriteArrayList<>();
        final List<Map<LogPartition, Long>> offsets = new CopyOnWriteArrayList<>();
        volatile Map<LogPartition, Long> unfinished = Map.of();
        final AtomicInteger running = new AtomicInteger();
        final AtomicInteger mostAtOnce = new AtomicInteger();

        SlowStore(Duration writeTime) {
            this.writeTime = writeTime;
        }

        @Override
        public WriteResult write(List<Event> events, Map<LogPartition, Long> nextOffsets) {
            mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
            try {
                sleep(writeTime.toMillis());
                List<String> ids = new ArrayList<>();
                events.forEach(e -> ids.add(e.messageId()));
                offsets.add(Map.copyOf(nextOffsets));
                batches.add(ids);
                return new WriteResult(events.size(), 0);
            } finally {
                running.decrementAndGet();
            }
        }

        @Override
        public void writeRejected(List<LoggedRejection> rejected, Map<LogPartition, Long> nextOffsets) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Map<LogPartition, Long> positions(Set<LogPartition> partitions) {
            return Map.of();
        }

        @Override
        public Map<LogPartition, Long> unfinishedBatch(Set<LogPartition> partitions) {
            return unfinished;
        }

        @Override
        public long countEvents(String project) {
            return batches.stream().mapToLong(List::size).sum();
        }

        @Override
        public List<String> expire(RetentionPolicy policy, Instant now) {
            return List.of();
        }

        @Override
        public String name() {
            return "slow";
        }

        @Override
        public void close() {
        }
    }

    /** A log of scripted polls that notes what the loader does from which thread, and can take a partition away in a poll. */
    private static final class ScriptedLog implements EventSource {
        private final SlowStore store;
        private final BlockingQueue<List<LoggedEvent>> polls = new LinkedBlockingQueue<>();
        private Consumer<Set<LogPartition>> beforeRelease;
        private Function<Set<LogPartition>, Map<LogPartition, Long>> resumeFrom;
        /** Partitions assigned inside the first poll, as a consumer joining its group gets them. */
        Set<LogPartition> assignOnFirstPoll = Set.of();
        private volatile Thread readingThread;
        private int pollCount;
        private int releaseAtPoll = -1;
        private Set<LogPartition> toRelease = Set.of();
        final List<Map<LogPartition, Long>> reported = new CopyOnWriteArrayList<>();
        final AtomicInteger reportedOffTheReadingThread = new AtomicInteger();
        final AtomicInteger polledWhileWriting = new AtomicInteger();
        final AtomicInteger writesStoredAtRelease = new AtomicInteger(-1);
        /** Every poll returns one more event, as under a steady stream. */
        volatile boolean endless;
        private long nextOffset;

        ScriptedLog(SlowStore store) {
            this.store = store;
        }

        void append(List<LoggedEvent> poll) {
            polls.add(poll);
        }

        void releaseAtPoll(int poll, Set<LogPartition> partitions) {
            releaseAtPoll = poll;
            toRelease = partitions;
        }

        @Override
        public void open(Function<Set<LogPartition>, Map<LogPartition, Long>> resumeFrom, Consumer<Set<LogPartition>> beforeRelease) {
            this.beforeRelease = beforeRelease;
            this.resumeFrom = resumeFrom;
        }

        @Override
        public List<LoggedEvent> poll(Duration timeout) {
            readingThread = Thread.currentThread();
            pollCount++;
            if (pollCount == 1 && !assignOnFirstPoll.isEmpty()) {
                resumeFrom.apply(assignOnFirstPoll);
            }
            if (store.running.get() > 0) {
                polledWhileWriting.incrementAndGet();
            }
            if (pollCount == releaseAtPoll) {
                beforeRelease.accept(toRelease);
                writesStoredAtRelease.set(store.batches.size());
            }
            if (endless) {
                sleep(5);
                return List.of(logged("e" + nextOffset, nextOffset++));
            }
            try {
                List<LoggedEvent> next = polls.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
                return next == null ? List.of() : next;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return List.of();
            }
        }

        @Override
        public void markStored(Map<LogPartition, Long> nextOffsets) {
            if (Thread.currentThread() != readingThread) {
                reportedOffTheReadingThread.incrementAndGet();
            }
            reported.add(Map.copyOf(nextOffsets));
        }

        @Override
        public long lag() {
            return polls.size();
        }

        /** Caught up with the log as of the latest poll: poll n is at second n. */
        @Override
        public java.util.Optional<Instant> caughtUpAsOf() {
            return pollCount == 0 ? java.util.Optional.empty() : java.util.Optional.of(caughtUpAt(pollCount));
        }

        Instant caughtUpAt(int poll) {
            return Instant.EPOCH.plusSeconds(poll);
        }

        @Override
        public void wakeup() {
        }

        @Override
        public void close() {
        }
    }
}
