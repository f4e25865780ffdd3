package io.tally.core.query;

import static java.util.Objects.requireNonNull;

/** Split a result by a property's text value, keeping the {@code limit} biggest values; see docs/queries.md. */
public record Breakdown(PropertyRef property, int limit) {
    /** The value of events without the property. */
    public static final String NONE = "$none";
    /** The series of every value beyond the limit. */
    public static final String OTHER = "$other";
    public static final int MAX_LIMIT = 100;

    public Breakdown {
        requireNonNull(property, "property is null");
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("breakdown limit must be between 1 and " + MAX_LIMIT + ", was " + limit);
        }
    }
}
