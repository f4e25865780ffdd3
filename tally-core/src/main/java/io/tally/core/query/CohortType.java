package io.tally.core.query;

import java.util.Locale;

/** Who belongs to a retention cohort; see docs/queries.md. */
public enum CohortType {
    /** A person's first start event ever decides their one cohort. */
    FIRST_TIME,
    /** A person is in every cohort in which they did a start event. */
    RECURRING;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
