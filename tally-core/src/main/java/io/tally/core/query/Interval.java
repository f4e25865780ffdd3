package io.tally.core.query;

import java.util.Locale;

/** The bucket size of a trend, in local calendar time of the query's timezone. */
public enum Interval {
    HOUR, DAY, WEEK, MONTH;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
