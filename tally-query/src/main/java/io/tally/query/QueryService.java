package io.tally.query;

import static java.util.Objects.requireNonNull;

import io.tally.core.query.Breakdown;
import io.tally.core.query.Cohort;
import io.tally.core.query.FunnelSpec;
import io.tally.core.query.FunnelStepResult;
import io.tally.core.query.Interval;
import io.tally.core.query.RecentEvent;
import io.tally.core.query.RecentEventsSpec;
import io.tally.core.query.RetentionSpec;
import io.tally.core.query.TrendSpec;
import io.tally.core.spi.QueryEngine;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAdjusters;
import java.time.DayOfWeek;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Plans questions onto a {@link QueryEngine} and shapes the answers: the engine returns only the
 * buckets that have events; the service lays out every bucket of the range in local calendar time.
 */
public final class QueryService {
    static final int MAX_BUCKETS = 5_000;

    private final QueryEngine engine;
    private final QueryCache cache;
    private final IngestionProgress progress;

    public QueryService(QueryEngine engine) {
        this(engine, new QueryCache(Duration.ZERO), IngestionProgress.UNKNOWN);
    }

    public QueryService(QueryEngine engine, QueryCache cache, IngestionProgress progress) {
        this.engine = requireNonNull(engine, "engine is null");
        this.cache = requireNonNull(cache, "cache is null");
        this.progress = requireNonNull(progress, "progress is null");
    }

    public TrendsResult trends(String project, TrendsQuery query) {
        long start = System.nanoTime();
        Instant dependsFrom = query.compare() ? query.from().minus(Duration.between(query.from(), query.to())) : query.from();
        QueryCache.Answer<TrendsResult> answer = cache.get(project, query, dependsFrom, query.to(), () -> computeTrends(project, query));
        return answer.value().withMeta(meta(start, answer));
    }

    public FunnelResult funnel(FunnelQuery query) {
        long start = System.nanoTime();
        FunnelSpec spec = query.spec();
        // later steps may fall up to a window after the range
        QueryCache.Answer<FunnelResult> answer = cache.get(spec.project(), query, Instant.MIN, Instant.MAX, () -> computeFunnel(spec));
        return answer.value().withMeta(meta(start, answer));
    }

    public RetentionResult retention(RetentionQuery query) {
        long start = System.nanoTime();
        RetentionSpec spec = query.spec();
        // first_time cohorts depend on every earlier start event, and returns on every later event
        QueryCache.Answer<RetentionResult> answer = cache.get(spec.project(), query, Instant.MIN, Instant.MAX, () -> computeRetention(spec));
        return answer.value().withMeta(meta(start, answer));
    }

    /**
     * The latest stored events for a live view. Never cached: a poll asks exactly because something may
     * have arrived since the last one, and the query reads only a recent window.
     */
    public List<RecentEvent> recentEvents(RecentEventsSpec spec) {
        return engine.recentEvents(requireNonNull(spec, "spec is null"));
    }

    /** How far loading has come, as every answer's {@code meta} reports it. */
    public IngestionProgress progress() {
        return progress;
    }

    /** The short name of the engine that answers, e.g. {@code duckdb}. */
    public String store() {
        return engine.name();
    }

    private QueryMeta meta(long startNanos, QueryCache.Answer<?> answer) {
        double millis = (System.nanoTime() - startNanos) / 1e6;
        return new QueryMeta(engine.name(), millis, -1, answer.cached(), answer.ageMillis(),
                progress.completeUpTo().orElse(null), progress.lagEvents());
    }

    private TrendsResult computeTrends(String project, TrendsQuery query) {
        List<LocalDateTime> buckets = buckets(query.from(), query.to(), query.zone(), query.interval());
        List<OffsetDateTime> bucketTimes = offsets(buckets, query.zone());
        Duration length = Duration.between(query.from(), query.to());
        Instant previousFrom = query.from().minus(length);
        List<LocalDateTime> previousBuckets = query.compare() ? buckets(previousFrom, query.from(), query.zone(), query.interval()) : null;
        List<TrendsResult.SeriesResult> series = new ArrayList<>();
        for (TrendsQuery.Series s : query.series()) {
            TrendSpec spec = new TrendSpec(project, s.event(), s.math(), s.property(), query.filters(), query.breakdown(),
                    query.interval(), query.zone(), query.from(), query.to());
            Map<String, Map<LocalDateTime, Double>> current = engine.trend(spec);
            Map<String, Map<LocalDateTime, Double>> previous = query.compare() ? engine.trend(spec.withRange(previousFrom, query.from())) : Map.of();
            for (String value : breakdownValues(current, query.breakdown() != null)) {
                TrendsResult.Previous before = null;
                if (query.compare()) {
                    // aligned by position: the n-th bucket of the previous period next to the n-th of this one
                    // (a period of equal length can hold one bucket more or fewer, e.g. months of 30 and 31 days)
                    List<LocalDateTime> aligned = previousBuckets.subList(0, Math.min(previousBuckets.size(), buckets.size()));
                    before = new TrendsResult.Previous(offsets(aligned, query.zone()), fill(aligned, previous.getOrDefault(value, Map.of())));
                }
                series.add(new TrendsResult.SeriesResult(s.event(), s.math().wireName(), s.property(),
                        query.breakdown() == null ? null : value, bucketTimes, fill(buckets, current.getOrDefault(value, Map.of())), before));
            }
        }
        return new TrendsResult(query.interval(), query.zone().getId(), series, null);
    }

    /**
     * The breakdown values in the order users read them: by total over the range, largest first, ties by
     * text, with {@code $other} last. Without breakdown, the one series.
     */
    private static List<String> breakdownValues(Map<String, Map<LocalDateTime, Double>> byValue, boolean hasBreakdown) {
        if (!hasBreakdown) {
            return List.of(QueryEngine.NO_BREAKDOWN);
        }
        List<String> values = new ArrayList<>(byValue.keySet());
        values.sort(Comparator.comparing((String v) -> v.equals(Breakdown.OTHER))
                .thenComparing(v -> -byValue.get(v).values().stream().mapToDouble(Double::doubleValue).sum())
                .thenComparing(Comparator.naturalOrder()));
        return values;
    }

    private FunnelResult computeFunnel(FunnelSpec spec) {
        Map<String, List<FunnelStepResult>> byValue = engine.funnel(spec);
        List<FunnelResult.Group> groups = new ArrayList<>();
        List<String> values = new ArrayList<>(byValue.keySet());
        values.sort(Comparator.comparing((String v) -> v.equals(Breakdown.OTHER))
                .thenComparing(v -> -byValue.get(v).get(0).count())
                .thenComparing(Comparator.naturalOrder()));
        for (String value : values) {
            List<FunnelStepResult> steps = byValue.get(value);
            List<FunnelResult.Step> out = new ArrayList<>();
            long first = steps.get(0).count();
            for (int i = 0; i < steps.size(); i++) {
                FunnelStepResult step = steps.get(i);
                long previous = i == 0 ? step.count() : steps.get(i - 1).count();
                out.add(new FunnelResult.Step(spec.steps().get(i).event(), step.count(), ratio(step.count(), previous),
                        ratio(step.count(), first), step.medianSecondsFromPrevious(), step.averageSecondsFromPrevious()));
            }
            groups.add(new FunnelResult.Group(spec.breakdown() == null ? null : value, out));
        }
        return new FunnelResult(spec.order().wireName(), spec.window().toSeconds(), groups, null);
    }

    private static double ratio(long part, long whole) {
        return whole == 0 ? 0 : (double) part / whole;
    }

    private RetentionResult computeRetention(RetentionSpec spec) {
        List<RetentionResult.Row> rows = new ArrayList<>();
        for (Cohort c : engine.retention(spec)) {
            rows.add(new RetentionResult.Row(ZonedDateTime.ofLocal(c.start(), spec.zone(), null).toOffsetDateTime(), c.size(), c.retained()));
        }
        return new RetentionResult(spec.period().wireName(), spec.cohortType().wireName(), spec.zone().getId(), rows, null);
    }

    private static List<Double> fill(List<LocalDateTime> buckets, Map<LocalDateTime, Double> values) {
        List<Double> filled = new ArrayList<>(buckets.size());
        for (LocalDateTime b : buckets) {
            filled.add(values.getOrDefault(b, 0.0));
        }
        return filled;
    }

    private static List<OffsetDateTime> offsets(List<LocalDateTime> buckets, ZoneId zone) {
        List<OffsetDateTime> times = new ArrayList<>(buckets.size());
        for (LocalDateTime b : buckets) {
            times.add(ZonedDateTime.ofLocal(b, zone, null).toOffsetDateTime());
        }
        return times;
    }

    /** Local bucket starts from the bucket holding {@code from} up to the last one before {@code to}. */
    static List<LocalDateTime> buckets(Instant from, Instant to, ZoneId zone, Interval interval) {
        LocalDateTime first = truncate(LocalDateTime.ofInstant(from, zone), interval);
        LocalDateTime end = LocalDateTime.ofInstant(to, zone);
        List<LocalDateTime> buckets = new ArrayList<>();
        for (LocalDateTime b = first; b.isBefore(end); b = next(b, interval)) {
            if (buckets.size() == MAX_BUCKETS) {
                throw QueryParser.invalid("interval", "the range has more than " + MAX_BUCKETS
                        + " " + interval.wireName() + " buckets; use a larger interval or a shorter range");
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
