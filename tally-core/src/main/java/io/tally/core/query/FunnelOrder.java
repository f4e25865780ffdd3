package io.tally.core.query;

import java.util.Locale;

/** How a funnel's steps must follow each other; see docs/queries.md. */
public enum FunnelOrder {
    /** Each step strictly after the one before; other events may come between. */
    ORDERED,
    /** As ordered, with no other event of the person strictly between two steps. */
    STRICT,
    /** All steps within the window from the entry, in any order. */
    UNORDERED;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
