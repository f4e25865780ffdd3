package io.tally.core.query;

import java.util.Locale;

/** How the events of one series are aggregated in each bucket. */
public enum SeriesMath {
    /** Number of events. */
    TOTAL,
    /** Number of distinct {@code distinct_id}s. */
    UNIQUE_USERS;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
