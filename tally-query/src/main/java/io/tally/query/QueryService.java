package io.tally.query;

import static java.util.Objects.requireNonNull;

import io.tally.core.query.Breakdown;
import io.tally.core.query.Cohort;
import io.tally.core.query.Filter;
import io.tally.core.query.FilterOp;
import io.tally.core.query.FilterValue;
import io.tally.core.query.FunnelSpec;
import io.tally.core.query.FunnelStepResult;
import io.tally.core.query.PropertyRef;
import io.tally.core.query.RecentEvent;
import io.tally.core.query.RecentEventsSpec;
import io.tally.core.query.RetentionSpec;
import io.tally.core.query.RowsRead;
import io.tally.core.query.RowsRead.Counted;
import io.tally.core.query.TrendSpec;
import io.tally.core.spi.QueryEngine;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Plans questions onto a {@link QueryEngine} and shapes the answers: the engine returns only the
 * buckets that have events; the service lays out every bucket of the range in local calendar time.
 */
public final class QueryService {
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
        TrendBuckets buckets = TrendBuckets.of(query.interval(), query.zone(), query.from(), query.to());
        TrendBuckets previous = query.compare() ? buckets.previous() : null;
        Instant dependsFrom = previous == null ? query.from() : previous.from();
        QueryCache.Answer<Counted<TrendsResult>> answer = cache.get(project, query, dependsFrom, query.to(),
                () -> RowsRead.counting(() -> computeTrends(project, query, buckets, previous)));
        return answer.value().value().withMeta(meta(start, answer));
    }

    public FunnelResult funnel(FunnelQuery query) {
        long start = System.nanoTime();
        FunnelSpec spec = query.spec();
        // later steps may fall up to a window after the range
        QueryCache.Answer<Counted<FunnelResult>> answer = cache.get(spec.project(), query, Instant.MIN, Instant.MAX,
                () -> RowsRead.counting(() -> computeFunnel(spec)));
        return answer.value().value().withMeta(meta(start, answer));
    }

    public RetentionResult retention(RetentionQuery query) {
        long start = System.nanoTime();
        RetentionSpec spec = query.spec();
        // first_time cohorts depend on every earlier start event, and returns on every later event
        QueryCache.Answer<Counted<RetentionResult>> answer = cache.get(spec.project(), query, Instant.MIN, Instant.MAX,
                () -> RowsRead.counting(() -> computeRetention(spec)));
        return answer.value().value().withMeta(meta(start, answer));
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

    /** A cached answer reports the rows read to compute it. */
    private QueryMeta meta(long startNanos, QueryCache.Answer<? extends Counted<?>> answer) {
        double millis = (System.nanoTime() - startNanos) / 1e6;
        return new QueryMeta(engine.name(), millis, answer.value().rows(), answer.cached(), answer.ageMillis(),
                progress.completeUpTo().orElse(null), progress.lagEvents());
    }

    /** @param previous the period {@code compare} adds; null without compare */
    private TrendsResult computeTrends(String project, TrendsQuery query, TrendBuckets buckets, TrendBuckets previous) {
        List<TrendsResult.SeriesResult> series = new ArrayList<>();
        for (TrendsQuery.Series s : query.series()) {
            TrendSpec spec = new TrendSpec(project, s.event(), s.math(), s.property(), query.filters(), query.breakdown(),
                    query.interval(), query.zone(), query.from(), query.to());
            Map<String, Map<LocalDateTime, Double>> current = engine.trend(spec);
            List<String> values = breakdownValues(current, query.breakdown() != null);
            Map<String, Map<LocalDateTime, Double>> before = previous == null ? Map.of() : previousTrend(spec, previous, values);
            for (String value : values) {
                // aligned by position: bucket i of the previous period next to bucket i of this one
                TrendsResult.Previous previousSeries = previous == null ? null
                        : new TrendsResult.Previous(previous.times(), previous.fill(before.getOrDefault(value, Map.of())));
                series.add(new TrendsResult.SeriesResult(s.event(), s.math().wireName(), s.property(),
                        query.breakdown() == null ? null : value, buckets.times(), buckets.fill(current.getOrDefault(value, Map.of())),
                        previousSeries));
            }
        }
        return new TrendsResult(query.interval(), query.zone().getId(), series, null);
    }

    /**
     * The previous period's series for the current period's breakdown values, so each value is
     * compared with itself. An engine ranks values within the range it is given, so the previous
     * period asked as it is could keep other values and put a current one into {@code $other}.
     */
    private Map<String, Map<LocalDateTime, Double>> previousTrend(TrendSpec spec, TrendBuckets previous, List<String> values) {
        TrendSpec range = spec.withRange(previous.from(), previous.to());
        if (spec.breakdown() == null) {
            return engine.trend(range);
        }
        PropertyRef property = spec.breakdown().property();
        List<FilterValue> kept = values.stream()
                .filter(v -> !v.equals(Breakdown.NONE) && !v.equals(Breakdown.OTHER)).map(FilterValue::text).toList();
        Map<String, Map<LocalDateTime, Double>> byValue = new HashMap<>();
        if (!kept.isEmpty()) {
            // at most limit values pass, so the engine keeps every one of them and has no $other
            byValue.putAll(engine.trend(narrowed(range, spec.breakdown(), new Filter(property, FilterOp.IN, kept))));
        }
        if (values.contains(Breakdown.NONE)) {
            byValue.put(Breakdown.NONE, engine.series(narrowed(range, null, new Filter(property, FilterOp.IS_NOT_SET, List.of()))));
        }
        if (values.contains(Breakdown.OTHER)) {
            byValue.put(Breakdown.OTHER, engine.series(others(range, property, kept, values.contains(Breakdown.NONE))));
        }
        return byValue;
    }

    /** The events of {@code $other}: every value but the kept ones, and no missing one when {@code $none} has its own series. */
    private static TrendSpec others(TrendSpec range, PropertyRef property, List<FilterValue> kept, boolean noneKept) {
        List<Filter> extra = new ArrayList<>();
        if (!kept.isEmpty()) {
            extra.add(new Filter(property, FilterOp.NOT_IN, kept));
        }
        if (noneKept) {
            extra.add(new Filter(property, FilterOp.IS_SET, List.of()));
        }
        return narrowed(range, null, extra.toArray(Filter[]::new));
    }

    private static TrendSpec narrowed(TrendSpec spec, Breakdown breakdown, Filter... extra) {
        List<Filter> filters = new ArrayList<>(spec.filters());
        filters.addAll(List.of(extra));
        return new TrendSpec(spec.project(), spec.event(), spec.math(), spec.property(), filters, breakdown,
                spec.interval(), spec.zone(), spec.from(), spec.to());
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
}
