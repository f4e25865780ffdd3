package io.tally.core.query;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.time.ZoneId;

/**
 * One series of a trend, as a store has to compute it: events named {@code event} of
 * {@code project} with {@code from <= timestamp < to}, aggregated by {@code math} per local
 * {@code interval} bucket in {@code zone}.
 */
public record TrendSpec(String project, String event, SeriesMath math, Interval interval, ZoneId zone,
                        Instant from, Instant to) {
    public TrendSpec {
        requireNonNull(project, "project is null");
        requireNonNull(event, "event is null");
        requireNonNull(math, "math is null");
        requireNonNull(interval, "interval is null");
        requireNonNull(zone, "zone is null");
        requireNonNull(from, "from is null");
        requireNonNull(to, "to is null");
        if (!from.isBefore(to)) {
            throw new IllegalArgumentException("from must be before to: " + from + " >= " + to);
        }
    }
}
