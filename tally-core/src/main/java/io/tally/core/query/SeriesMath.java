package io.tally.core.query;

import java.util.Locale;

/** How the events of one series are aggregated in each bucket; see docs/queries.md. */
public enum SeriesMath {
    /** Number of events. */
    TOTAL,
    /** Number of distinct {@code distinct_id}s. */
    UNIQUE_USERS,
    SUM, AVG, MIN, MAX,
    /** The value at 0-based index floor(q·n) of the n sorted numbers, capped at n−1. */
    P50, P90, P99;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Aggregates a numeric property rather than counting events. */
    public boolean needsProperty() {
        return this != TOTAL && this != UNIQUE_USERS;
    }

    /** The quantile level of P50, P90 and P99. */
    public double quantile() {
        return switch (this) {
            case P50 -> 0.5;
            case P90 -> 0.9;
            case P99 -> 0.99;
            default -> throw new IllegalStateException(this + " is not a quantile");
        };
    }

    public boolean isQuantile() {
        return this == P50 || this == P90 || this == P99;
    }
}
