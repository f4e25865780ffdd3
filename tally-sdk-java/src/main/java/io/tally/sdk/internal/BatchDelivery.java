package io.tally.sdk.internal;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Delivers one batch: attempts, backoff between them, and the bookkeeping of how it ended.
 * Every attempt sends the same messages with the same ids, which is what lets the server drop
 * duplicates when an earlier attempt did arrive but its answer was lost.
 */
public final class BatchDelivery {
    private final BatchTransport transport;
    private final Backoff backoff;
    private final int maxRetries;
    private final Counters counters;
    private final Notifier notifier;
    private final CountDownLatch aborted = new CountDownLatch(1);

    public BatchDelivery(BatchTransport transport, Backoff backoff, int maxRetries, Counters counters, Notifier notifier) {
        this.transport = requireNonNull(transport, "transport is null");
        this.backoff = requireNonNull(backoff, "backoff is null");
        this.maxRetries = maxRetries;
        this.counters = requireNonNull(counters, "counters is null");
        this.notifier = requireNonNull(notifier, "notifier is null");
    }

    /** Returns once the batch is delivered or given up on; never throws for delivery trouble. */
    public void deliver(List<EncodedMessage> batch) {
        for (int retry = 0; ; retry++) {
            if (isAborted()) {
                giveUp(batch, "the client closed before the batch could be delivered");
                return;
            }
            SendResult result = transport.send(batch);
            if (result instanceof SendResult.Delivered delivered) {
                recordDelivered(batch, delivered);
                return;
            }
            if (result instanceof SendResult.Fatal fatal) {
                giveUp(batch, "not retryable: " + fatal.reason());
                return;
            }
            SendResult.Retryable retryable = (SendResult.Retryable) result;
            if (retry >= maxRetries) {
                giveUp(batch, "gave up after " + (retry + 1) + " attempt(s); last: " + retryable.reason());
                return;
            }
            Duration delay = backoff.delay(retry, retryable.retryAfter());
            notifier.retrying(batch.size(), retry + 1, delay, retryable.reason());
            if (!pause(delay)) {
                giveUp(batch, "the client closed while waiting to retry after: " + retryable.reason());
                return;
            }
            counters.retries.incrementAndGet();
        }
    }

    /** Makes the current and every later delivery give up promptly; used when close runs out of time. */
    public void abort() {
        aborted.countDown();
        transport.cancel();
    }

    /** Counts a batch the delivery thread could not even start on, e.g. after an abort. */
    public void giveUp(List<EncodedMessage> batch, String reason) {
        counters.failed.addAndGet(batch.size());
        notifier.failed(batch.stream().map(EncodedMessage::messageId).toList(), reason);
    }

    private void recordDelivered(List<EncodedMessage> batch, SendResult.Delivered delivered) {
        int rejected = delivered.rejections().size();
        counters.batchesSent.incrementAndGet();
        counters.rejected.addAndGet(rejected);
        counters.delivered.addAndGet(Math.max(0, batch.size() - rejected));
        notifier.rejected(delivered.rejections());
    }

    private boolean isAborted() {
        return aborted.getCount() == 0;
    }

    // Waits on the abort latch rather than sleeping, so an abort ends the wait at once.
    private boolean pause(Duration delay) {
        try {
            return !aborted.await(delay.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
