package io.tally.sdk.internal;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Exponential backoff with full jitter: the n-th retry waits a uniformly random time between zero
 * and {@code min(max, base * 2^n)}, so clients that failed together do not come back together.
 * A server's Retry-After is a floor on top of that.
 */
public final class Backoff {
    private final long baseNanos;
    private final long maxNanos;
    private final RandomGenerator random;

    public Backoff(Duration base, Duration max, RandomGenerator random) {
        this.baseNanos = requireNonNull(base, "base is null").toNanos();
        this.maxNanos = requireNonNull(max, "max is null").toNanos();
        this.random = requireNonNull(random, "random is null");
    }

    /**
     * @param retry   0 for the first retry, 1 for the second, ...
     * @param minimum the least wait, e.g. the server's Retry-After; {@link Duration#ZERO} for none
     */
    public Duration delay(int retry, Duration minimum) {
        long ceiling = ceilingNanos(retry);
        long jittered = random.nextLong(ceiling + 1);
        return Duration.ofNanos(Math.max(jittered, minimum.toNanos()));
    }

    private long ceilingNanos(int retry) {
        // Shifting past 62 bits overflows; by then the cap has long been reached.
        if (retry >= 62 || baseNanos > (maxNanos >> Math.min(retry, 62))) {
            return maxNanos;
        }
        return Math.min(maxNanos, baseNanos << retry);
    }
}
