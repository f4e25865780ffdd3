package io.tally.query;

import static java.util.Objects.requireNonNull;

import io.tally.core.query.Interval;
import io.tally.core.query.SeriesMath;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;

/**
 * A validated trends question: events per series, per local {@code interval} bucket, with
 * {@code from <= timestamp < to}.
 */
public record TrendsQuery(List<Series> series, Interval interval, Instant from, Instant to, ZoneId zone) {
    public TrendsQuery {
        series = List.copyOf(requireNonNull(series, "series is null"));
        requireNonNull(interval, "interval is null");
        requireNonNull(from, "from is null");
        requireNonNull(to, "to is null");
        requireNonNull(zone, "zone is null");
    }

    public record Series(String event, SeriesMath math) {
        public Series {
            requireNonNull(event, "event is null");
            requireNonNull(math, "math is null");
        }
    }
}
