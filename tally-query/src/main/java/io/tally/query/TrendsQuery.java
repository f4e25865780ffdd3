package io.tally.query;

import static java.util.Objects.requireNonNull;

import io.tally.core.query.Breakdown;
import io.tally.core.query.Filter;
import io.tally.core.query.Interval;
import io.tally.core.query.SeriesMath;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;

/**
 * A validated trends question: events per series, per local {@code interval} bucket, with
 * {@code from <= timestamp < to}, passing {@code filters}; see docs/queries.md.
 *
 * @param breakdown null for one series per {@link Series}
 * @param compare whether to add the previous period of the same length
 */
public record TrendsQuery(List<Series> series, Interval interval, Instant from, Instant to, ZoneId zone,
                          List<Filter> filters, Breakdown breakdown, boolean compare) {
    public TrendsQuery {
        series = List.copyOf(requireNonNull(series, "series is null"));
        requireNonNull(interval, "interval is null");
        requireNonNull(from, "from is null");
        requireNonNull(to, "to is null");
        requireNonNull(zone, "zone is null");
        filters = List.copyOf(requireNonNull(filters, "filters is null"));
    }

    /** @param property the numeric event property for sum, avg, min, max and quantiles; null for counts */
    public record Series(String event, SeriesMath math, String property) {
        public Series {
            requireNonNull(event, "event is null");
            requireNonNull(math, "math is null");
        }
    }
}
