package io.tally.query;

import static java.util.Objects.requireNonNull;

import io.tally.core.query.Interval;
import io.tally.core.query.TrendSpec;
import io.tally.core.spi.QueryEngine;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAdjusters;
import java.time.DayOfWeek;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Plans questions onto a {@link QueryEngine} and shapes the answers: the engine returns only the
 * buckets that have events; the service lays out every bucket of the range in local calendar time.
 */
public final class QueryService {
    static final int MAX_BUCKETS = 5_000;

    private final QueryEngine engine;

    public QueryService(QueryEngine engine) {
        this.engine = requireNonNull(engine, "engine is null");
    }

    public TrendsResult trends(String project, TrendsQuery query) {
        long start = System.nanoTime();
        List<LocalDateTime> buckets = buckets(query);
        List<OffsetDateTime> bucketTimes = new ArrayList<>(buckets.size());
        for (LocalDateTime b : buckets) {
            bucketTimes.add(ZonedDateTime.ofLocal(b, query.zone(), null).toOffsetDateTime());
        }
        List<TrendsResult.SeriesResult> series = new ArrayList<>();
        for (TrendsQuery.Series s : query.series()) {
            Map<LocalDateTime, Double> values = engine.series(
                    new TrendSpec(project, s.event(), s.math(), query.interval(), query.zone(), query.from(), query.to()));
            List<Double> filled = new ArrayList<>(buckets.size());
            for (LocalDateTime b : buckets) {
                filled.add(values.getOrDefault(b, 0.0));
            }
            series.add(new TrendsResult.SeriesResult(s.event(), s.math().wireName(), bucketTimes, filled));
        }
        double millis = (System.nanoTime() - start) / 1e6;
        return new TrendsResult(query.interval(), query.zone().getId(), series, new QueryMeta(engine.name(), millis, false));
    }

    /** Local bucket starts from the bucket holding {@code from} up to the last one before {@code to}. */
    static List<LocalDateTime> buckets(TrendsQuery query) {
        ZoneId zone = query.zone();
        LocalDateTime first = truncate(LocalDateTime.ofInstant(query.from(), zone), query.interval());
        LocalDateTime end = LocalDateTime.ofInstant(query.to(), zone);
        List<LocalDateTime> buckets = new ArrayList<>();
        for (LocalDateTime b = first; b.isBefore(end); b = next(b, query.interval())) {
            if (buckets.size() == MAX_BUCKETS) {
                throw QueryParser.invalid("interval", "the range has more than " + MAX_BUCKETS
                        + " " + query.interval().wireName() + " buckets; use a larger interval or a shorter range");
            }
            buckets.add(b);
        }
        return buckets;
    }

    static LocalDateTime truncate(LocalDateTime t, Interval interval) {
        return switch (interval) {
            case HOUR -> t.truncatedTo(ChronoUnit.HOURS);
            case DAY -> t.truncatedTo(ChronoUnit.DAYS);
            case WEEK -> t.truncatedTo(ChronoUnit.DAYS).with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
            case MONTH -> t.truncatedTo(ChronoUnit.DAYS).withDayOfMonth(1);
        };
    }

    private static LocalDateTime next(LocalDateTime b, Interval interval) {
        return switch (interval) {
            case HOUR -> b.plusHours(1);
            case DAY -> b.plusDays(1);
            case WEEK -> b.plusWeeks(1);
            case MONTH -> b.plusMonths(1);
        };
    }
}
