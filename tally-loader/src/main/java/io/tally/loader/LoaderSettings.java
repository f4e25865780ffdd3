package io.tally.loader;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * When the loader writes a batch: at {@code maxBatchEvents} events, at {@code maxBatchBytes}
 * (estimated from the events' text) or {@code maxBatchDelay} after the first buffered event,
 * whichever comes first.
 *
 * @param retryBackoffMax the longest pause between attempts when the store fails
 */
public record LoaderSettings(int maxBatchEvents, long maxBatchBytes, Duration maxBatchDelay, Duration pollTimeout,
                             Duration retryBackoffMin, Duration retryBackoffMax) {
    public LoaderSettings {
        requireNonNull(maxBatchDelay, "maxBatchDelay is null");
        requireNonNull(pollTimeout, "pollTimeout is null");
        requireNonNull(retryBackoffMin, "retryBackoffMin is null");
        requireNonNull(retryBackoffMax, "retryBackoffMax is null");
        if (maxBatchEvents < 1) {
            throw new IllegalArgumentException("loader.max-batch-events must be at least 1, was " + maxBatchEvents);
        }
        if (maxBatchBytes < 1024) {
            throw new IllegalArgumentException("loader.max-batch-bytes must be at least 1 KiB, was " + maxBatchBytes);
        }
        if (maxBatchDelay.isNegative() || maxBatchDelay.isZero()) {
            throw new IllegalArgumentException("loader.max-batch-delay must be positive, was " + maxBatchDelay);
        }
        if (retryBackoffMax.compareTo(retryBackoffMin) < 0) {
            throw new IllegalArgumentException("loader.retry-backoff-max must not be below loader.retry-backoff-min");
        }
    }

    /** Batches of up to 10,000 events or 16 MiB, written at least every 200 ms. */
    public static LoaderSettings defaults() {
        return new LoaderSettings(10_000, 16L * 1024 * 1024, Duration.ofMillis(200), Duration.ofMillis(50),
                Duration.ofMillis(100), Duration.ofSeconds(10));
    }

    public LoaderSettings withMaxBatchDelay(Duration delay) {
        return new LoaderSettings(maxBatchEvents, maxBatchBytes, delay, pollTimeout, retryBackoffMin, retryBackoffMax);
    }

    public LoaderSettings withMaxBatchEvents(int events) {
        return new LoaderSettings(events, maxBatchBytes, maxBatchDelay, pollTimeout, retryBackoffMin, retryBackoffMax);
    }
}
