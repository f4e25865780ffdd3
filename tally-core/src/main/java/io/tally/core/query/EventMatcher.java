package io.tally.core.query;

import static java.util.Objects.requireNonNull;

import java.util.List;

/** Events with this name that pass these filters: a funnel step, an exclusion, a retention event. */
public record EventMatcher(String event, List<Filter> filters) {
    public EventMatcher {
        requireNonNull(event, "event is null");
        filters = List.copyOf(requireNonNull(filters, "filters is null"));
    }

    public static EventMatcher named(String event) {
        return new EventMatcher(event, List.of());
    }
}
