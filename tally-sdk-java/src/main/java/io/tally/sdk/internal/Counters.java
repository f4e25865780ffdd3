package io.tally.sdk.internal;

import io.tally.sdk.TallyStats;
import java.util.concurrent.atomic.AtomicLong;

/** The client's running totals; {@code enqueued} comes from the buffer, which numbers what it accepts. */
public final class Counters {
    final AtomicLong delivered = new AtomicLong();
    final AtomicLong rejected = new AtomicLong();
    final AtomicLong failed = new AtomicLong();
    final AtomicLong dropped = new AtomicLong();
    final AtomicLong retries = new AtomicLong();
    final AtomicLong batchesSent = new AtomicLong();

    public TallyStats snapshot(long enqueued) {
        return new TallyStats(
                enqueued,
                delivered.get(),
                rejected.get(),
                failed.get(),
                dropped.get(),
                retries.get(),
                batchesSent.get());
    }
}
