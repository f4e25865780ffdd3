package io.tally.loader;

import static java.util.Objects.requireNonNull;

import io.tally.core.retention.Retention;
import io.tally.core.retention.RetentionPolicy;
import java.time.Duration;

/**
 * How long data is kept and how often the loader enforces it.
 *
 * @param policy the retention of every project
 * @param given whether the operator gave {@code policy} to this process (options), rather than it being
 *     the default: a given policy is published for every loader ({@link SharedRetentionPolicy})
 * @param checkInterval time between two runs; the first run is at start. A run with nothing to delete
 *     costs a few small queries, so the default of an hour is cheap and keeps data at most an hour past
 *     the store's granularity
 */
public record RetentionSettings(RetentionPolicy policy, boolean given, Duration checkInterval) {
    public static final Duration DEFAULT_CHECK_INTERVAL = Duration.ofHours(1);

    public RetentionSettings {
        requireNonNull(policy, "retention.policy is null");
        requireNonNull(checkInterval, "retention.check-interval is null");
        if (checkInterval.toSeconds() < 1) {
            throw new IllegalArgumentException("retention.check-interval must be at least 1s, was " + checkInterval);
        }
    }

    /** 2 years of events, 5 years of rollups, for every project; checked every hour. */
    public static RetentionSettings defaults() {
        return new RetentionSettings(RetentionPolicy.of(Retention.DEFAULT), false, DEFAULT_CHECK_INTERVAL);
    }
}
