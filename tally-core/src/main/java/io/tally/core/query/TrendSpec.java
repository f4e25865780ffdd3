package io.tally.core.query;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.time.ZoneId;
import java.util.List;

/**
 * One series of a trend, as a store has to compute it: events named {@code event} of
 * {@code project} with {@code from <= timestamp < to} that pass {@code filters}, aggregated by
 * {@code math} (of the event property {@code property} for numeric math) per local {@code interval}
 * bucket in {@code zone}, optionally split by {@code breakdown}. See docs/queries.md.
 *
 * @param property the event property key for sum, avg, min, max and quantiles; null otherwise
 * @param breakdown null for one series
 */
public record TrendSpec(String project, String event, SeriesMath math, String property, List<Filter> filters,
                        Breakdown breakdown, Interval interval, ZoneId zone, Instant from, Instant to) {
    public TrendSpec {
        requireNonNull(project, "project is null");
        requireNonNull(event, "event is null");
        requireNonNull(math, "math is null");
        filters = List.copyOf(requireNonNull(filters, "filters is null"));
        requireNonNull(interval, "interval is null");
        requireNonNull(zone, "zone is null");
        requireNonNull(from, "from is null");
        requireNonNull(to, "to is null");
        if (!from.isBefore(to)) {
            throw new IllegalArgumentException("from must be before to: " + from + " >= " + to);
        }
        if (math.needsProperty() != (property != null)) {
            throw new IllegalArgumentException(math.needsProperty()
                    ? math.wireName() + " needs a property" : math.wireName() + " takes no property");
        }
    }

    /** A plain series: no filters, no breakdown. */
    public TrendSpec(String project, String event, SeriesMath math, Interval interval, ZoneId zone, Instant from, Instant to) {
        this(project, event, math, null, List.of(), null, interval, zone, from, to);
    }

    public TrendSpec withRange(Instant newFrom, Instant newTo) {
        return new TrendSpec(project, event, math, property, filters, breakdown, interval, zone, newFrom, newTo);
    }

    /** Whether only the event name and time select events: what a rollup can answer. */
    public boolean isPlainCount() {
        return filters.isEmpty() && breakdown == null && !math.needsProperty();
    }
}
