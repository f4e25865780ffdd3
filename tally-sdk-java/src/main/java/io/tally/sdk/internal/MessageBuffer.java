package io.tally.sdk.internal;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The client's one buffer: a FIFO of encoded messages, bounded in bytes, that hands out batches.
 *
 * <p>A message's bytes stay reserved until its batch is {@linkplain #complete completed}, so the
 * bound covers the batch in flight as well as the queue. Each accepted message gets the next
 * sequence number; because a single thread takes and completes batches in order, "everything up
 * to N is done" is one number, and {@link #awaitCompleted} waits on it.
 *
 * <p>A batch is due when the queue holds {@code flushAt} messages, when it holds more bytes than
 * one batch may carry, when its oldest message has waited {@code flushInterval}, when a flush
 * covers it, or once the buffer is closed.
 */
public final class MessageBuffer {

    /** What became of an offered message. */
    public enum OfferResult { ACCEPTED, FULL, CLOSED }

    /** Messages taken together, in order; {@code lastSeq} is the sequence number of the last one. */
    public record Batch(List<EncodedMessage> messages, long lastSeq, long bytes) {
        public Batch {
            messages = List.copyOf(messages);
        }
    }

    private record Entry(EncodedMessage message, long seq, long enqueuedAtNanos) {}

    private final long capacityBytes;
    private final int flushAt;
    private final int maxBatchBytes;
    private final long lingerNanos;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition spaceFreed = lock.newCondition();
    private final Condition workArrived = lock.newCondition();
    private final Condition progressMade = lock.newCondition();
    private final ArrayDeque<Entry> queue = new ArrayDeque<>();
    private long reservedBytes; // queued and in flight
    private long queuedBytes;
    private long lastSeq;
    private long completedSeq;
    private long flushUpToSeq;
    private boolean closed;

    public MessageBuffer(long capacityBytes, int flushAt, int maxBatchBytes, Duration flushInterval) {
        this.capacityBytes = capacityBytes;
        this.flushAt = flushAt;
        this.maxBatchBytes = maxBatchBytes;
        this.lingerNanos = requireNonNull(flushInterval, "flushInterval is null").toNanos();
    }

    /**
     * Appends the message, waiting up to {@code timeoutNanos} for space. An interrupt while
     * waiting ends the wait (the flag is kept) and the message counts as not accepted.
     */
    public OfferResult offer(EncodedMessage message, long timeoutNanos) {
        long size = message.sizeBytes();
        lock.lock();
        try {
            long remaining = timeoutNanos;
            while (!closed && reservedBytes + size > capacityBytes) {
                if (remaining <= 0) {
                    return OfferResult.FULL;
                }
                try {
                    remaining = spaceFreed.awaitNanos(remaining);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return OfferResult.FULL;
                }
            }
            if (closed) {
                return OfferResult.CLOSED;
            }
            boolean wasEmpty = queue.isEmpty();
            queue.addLast(new Entry(message, ++lastSeq, System.nanoTime()));
            reservedBytes += size;
            queuedBytes += size;
            // The delivery thread sleeps until the head's deadline; only a new head or a full batch changes that.
            if (wasEmpty || queue.size() >= flushAt || batchBytesExceeded()) {
                workArrived.signal();
            }
            return OfferResult.ACCEPTED;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Blocks until a batch is due and takes it; empty once the buffer is closed and drained.
     * Meant for the single delivery thread.
     */
    public Optional<Batch> nextBatch() throws InterruptedException {
        lock.lock();
        try {
            while (true) {
                if (queue.isEmpty()) {
                    if (closed) {
                        return Optional.empty();
                    }
                    workArrived.await();
                    continue;
                }
                long wait = nanosUntilDue();
                if (wait <= 0) {
                    return Optional.of(takeBatch());
                }
                workArrived.awaitNanos(wait);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Releases the batch's bytes and marks every message up to its last as done. */
    public void complete(Batch batch) {
        lock.lock();
        try {
            reservedBytes -= batch.bytes();
            completedSeq = Math.max(completedSeq, batch.lastSeq());
            spaceFreed.signalAll();
            progressMade.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Makes everything accepted so far due now; returns the sequence number to wait for. */
    public long requestFlush() {
        lock.lock();
        try {
            flushUpToSeq = lastSeq;
            if (!queue.isEmpty()) {
                workArrived.signal();
            }
            return lastSeq;
        } finally {
            lock.unlock();
        }
    }

    /** Waits until every message up to {@code seq} is done; false if the time ran out first. */
    public boolean awaitCompleted(long seq, long timeoutNanos) throws InterruptedException {
        lock.lock();
        try {
            long remaining = timeoutNanos;
            while (completedSeq < seq) {
                if (remaining <= 0) {
                    return false;
                }
                remaining = progressMade.awaitNanos(remaining);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Refuses new messages, wakes waiting callers, and makes what is queued due at once. */
    public void close() {
        lock.lock();
        try {
            closed = true;
            spaceFreed.signalAll();
            workArrived.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Takes everything still queued, ignoring batch limits, so that it can be given up on. */
    public Optional<Batch> takeAll() {
        lock.lock();
        try {
            if (queue.isEmpty()) {
                return Optional.empty();
            }
            List<EncodedMessage> messages = new ArrayList<>(queue.size());
            long seq = 0;
            for (Entry entry : queue) {
                messages.add(entry.message());
                seq = entry.seq();
            }
            Batch all = new Batch(messages, seq, queuedBytes);
            queue.clear();
            queuedBytes = 0;
            return Optional.of(all);
        } finally {
            lock.unlock();
        }
    }

    /** Messages ever accepted. */
    public long acceptedCount() {
        lock.lock();
        try {
            return lastSeq;
        } finally {
            lock.unlock();
        }
    }

    private long nanosUntilDue() {
        Entry head = queue.getFirst();
        if (closed || queue.size() >= flushAt || batchBytesExceeded() || head.seq() <= flushUpToSeq) {
            return 0;
        }
        return head.enqueuedAtNanos() + lingerNanos - System.nanoTime();
    }

    // Taking greedily from the head, a batch is full exactly when the whole queue would not fit in one.
    private boolean batchBytesExceeded() {
        return BatchBody.sizeOf(queue.size(), queuedBytes) > maxBatchBytes;
    }

    private Batch takeBatch() {
        List<EncodedMessage> taken = new ArrayList<>(Math.min(queue.size(), flushAt));
        long bytes = 0;
        long seq = 0;
        while (!queue.isEmpty() && taken.size() < flushAt) {
            Entry next = queue.getFirst();
            long size = next.message().sizeBytes();
            // The first message always goes: settings guarantee that one message fits a batch.
            if (!taken.isEmpty() && BatchBody.sizeOf(taken.size() + 1, bytes + size) > maxBatchBytes) {
                break;
            }
            queue.removeFirst();
            taken.add(next.message());
            bytes += size;
            seq = next.seq();
        }
        queuedBytes -= bytes;
        return new Batch(taken, seq, bytes);
    }
}
