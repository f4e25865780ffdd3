package io.tally.query;

import io.tally.core.query.Interval;
import java.time.OffsetDateTime;
import java.util.List;

/** The answer to a {@link TrendsQuery}: every bucket of the range, in order, zero where empty. */
public record TrendsResult(Interval interval, String timezone, List<SeriesResult> series, QueryMeta meta) {
    public TrendsResult {
        series = List.copyOf(series);
    }

    public record SeriesResult(String event, String math, List<OffsetDateTime> buckets, List<Double> values) {
        public SeriesResult {
            buckets = List.copyOf(buckets);
            values = List.copyOf(values);
        }
    }
}
