package io.tally.query;

import static java.util.Objects.requireNonNull;

import io.tally.core.query.Interval;
import java.time.OffsetDateTime;
import java.util.List;

/** The answer to a {@link TrendsQuery}: every bucket of the range, in order, zero where empty. */
public record TrendsResult(Interval interval, String timezone, List<SeriesResult> series, QueryMeta meta) {
    public TrendsResult {
        series = List.copyOf(series);
    }

    TrendsResult withMeta(QueryMeta newMeta) {
        return new TrendsResult(interval, timezone, series, newMeta);
    }

    /**
     * One series, or one breakdown value of it.
     *
     * @param breakdownValue the value, {@code $none} or {@code $other}; null without breakdown
     * @param previous the same buckets of the period before, with {@code compare}; else null
     */
    public record SeriesResult(String event, String math, String property, String breakdownValue,
                               List<OffsetDateTime> buckets, List<Double> values, Previous previous) {
        public SeriesResult {
            buckets = List.copyOf(buckets);
            values = List.copyOf(values);
        }
    }

    /** The previous period's buckets and values, aligned with the current ones by position. */
    public record Previous(List<OffsetDateTime> buckets, List<Double> values) {
        public Previous {
            buckets = List.copyOf(requireNonNull(buckets, "buckets is null"));
            values = List.copyOf(requireNonNull(values, "values is null"));
        }
    }
}
