package io.tally.kafka;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * A bounded budget of bytes in flight. Callers wait a bounded time for room and are refused after;
 * nothing queues without bound. Sizes are counted in KiB so that the semaphore never overflows.
 */
final class ByteBudget {
    private final Semaphore permits;
    private final int capacityKib;

    ByteBudget(long capacityBytes) {
        this.capacityKib = (int) Math.min(Integer.MAX_VALUE, Math.max(1, capacityBytes / 1024));
        this.permits = new Semaphore(capacityKib, true);
    }

    /** Reserves room for {@code bytes}; returns the reserved amount to release, or -1 when refused. */
    int tryAcquire(long bytes, Duration wait) throws InterruptedException {
        int kib = (int) Math.min(capacityKib, Math.max(1, (bytes + 1023) / 1024));
        return permits.tryAcquire(kib, wait.toNanos(), TimeUnit.NANOSECONDS) ? kib : -1;
    }

    void release(int reserved) {
        permits.release(reserved);
    }

    long availableBytes() {
        return permits.availablePermits() * 1024L;
    }
}
