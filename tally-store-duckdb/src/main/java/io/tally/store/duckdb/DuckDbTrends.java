package io.tally.store.duckdb;

import io.tally.core.query.Breakdown;
import io.tally.core.query.PropertyRef;
import io.tally.core.query.SeriesMath;
import io.tally.core.query.TrendSpec;
import io.tally.core.spi.QueryEngine;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDateTime;
import java.util.HashMap;
import java.util.Map;

/**
 * Trends with filters, breakdowns and numeric math (docs/queries.md, "Trends"). Plain counts take the
 * lean path in {@link DuckDbQueryEngine}. A breakdown over math that merges from parts aggregates per
 * bucket and value first (see {@link #partialSql}); otherwise the series' events are selected once,
 * with their bucket, id, numeric value and breakdown value, the breakdown values are ranked over the
 * whole range, and the events are aggregated per series and bucket.
 */
final class DuckDbTrends {
    private DuckDbTrends() {
    }

    /** Rows of (series, bucket, value); a NULL value means no numeric value in the bucket. */
    static SqlWriter sql(TrendSpec spec, HotColumns hot) {
        if (spec.breakdown() != null && mergeable(spec.math())) {
            return partialSql(spec, hot);
        }
        SqlWriter w = new SqlWriter(hot);
        // read twice with a breakdown (ranking, then aggregating), so worked out once
        w.sql(spec.breakdown() != null ? "WITH ev AS MATERIALIZED (" : "WITH ev AS (");
        rows(w, spec);
        w.sql(")");
        if (spec.breakdown() != null) {
            // "The limit values with the most events of that series in the whole range are kept (ties:
            // smaller text first)"; DuckDB compares text by bytes, which for UTF-8 is code point order
            w.sql(", top AS (SELECT bd FROM ev GROUP BY bd ORDER BY count(*) DESC, bd LIMIT ").value(spec.breakdown().limit()).sql(")");
        }
        w.sql(", grouped AS (SELECT ");
        series(w, spec);
        w.sql(" AS series, bucket, ");
        aggregate(w, spec.math());
        w.sql(" AS value FROM ev GROUP BY ALL)");
        w.sql(" SELECT series, bucket, ");
        if (spec.math().isQuantile()) {
            // "the value at 0-based index floor(q·n) of the n sorted values (capped at n−1)": not the
            // rule of quantile_disc or quantile_cont, so the sorted list is indexed; q·n in doubles as
            // the reference computes it
            w.sql("value[least(CAST(floor(").value(spec.math().quantile()).sql(" * len(value)) AS BIGINT), len(value) - 1) + 1]");
        } else {
            w.sql("value");
        }
        w.sql(" FROM grouped");
        return w;
    }

    /**
     * A breakdown whose math can be merged from parts (counts, sums, minima, maxima; an average from
     * its sum and count): the events are aggregated per bucket and value in one pass, and ranking the
     * values and gathering the rest as {@code $other} work on those few rows. Holding every event of
     * the range with its value instead, to read it twice, cost the 30-day page-view trend of the query
     * benchmark (1.8 M events) about as much again as extracting the values (measured). Distinct
     * counts and quantiles cannot be merged from parts and keep the general plan.
     */
    private static SqlWriter partialSql(TrendSpec spec, HotColumns hot) {
        SeriesMath math = spec.math();
        SqlWriter w = new SqlWriter(hot);
        w.sql("WITH part AS (SELECT bucket, bd, count(*) AS n");
        switch (math) {
            case TOTAL -> { }
            case SUM -> w.sql(", sum(v) AS s");
            case AVG -> w.sql(", sum(v) AS s, count(v) AS c");
            case MIN -> w.sql(", min(v) AS v");
            case MAX -> w.sql(", max(v) AS v");
            default -> throw new IllegalArgumentException(math + " cannot be merged from parts");
        }
        w.sql(" FROM (");
        rows(w, spec);
        w.sql(") GROUP BY ALL)");
        // ranked by events, whatever the math: "the limit values with the most events of that series"
        w.sql(", top AS (SELECT bd FROM part GROUP BY bd ORDER BY sum(n) DESC, bd LIMIT ").value(spec.breakdown().limit()).sql(")");
        w.sql(" SELECT ");
        series(w, spec);
        w.sql(" AS series, bucket, ");
        switch (math) {
            case TOTAL -> w.sql("CAST(sum(n) AS DOUBLE)");
            case SUM -> w.sql("sum(s)");
            // "computed over those events together": the $other average is over all of their numbers
            case AVG -> w.sql("CASE WHEN sum(c) > 0 THEN sum(s) / sum(c) END");
            case MIN -> w.sql("min(v)");
            case MAX -> w.sql("max(v)");
            default -> throw new IllegalArgumentException(math + " cannot be merged from parts");
        }
        w.sql(" AS value FROM part GROUP BY ALL");
        return w;
    }

    private static boolean mergeable(SeriesMath math) {
        return switch (math) {
            case TOTAL, SUM, AVG, MIN, MAX -> true;
            case UNIQUE_USERS, P50, P90, P99 -> false;
        };
    }

    /** The series' events: bucket, and as needed the id, the numeric value {@code v} and the breakdown value {@code bd}. */
    private static void rows(SqlWriter w, TrendSpec spec) {
        w.sql("SELECT ");
        DuckDbPeriods.label(w, spec.interval(), spec.zone(), "timestamp");
        w.sql(" AS bucket");
        if (spec.math() == SeriesMath.UNIQUE_USERS) {
            w.sql(", distinct_id");
        }
        if (spec.math().needsProperty()) {
            w.sql(", ");
            DuckDbProperties.number(w, new PropertyRef.EventProperty(spec.property()));
            w.sql(" AS v");
        }
        if (spec.breakdown() != null) {
            // "a missing property is the value $none"
            w.sql(", coalesce(");
            DuckDbProperties.text(w, spec.breakdown().property());
            w.sql(", ").value(Breakdown.NONE).sql(") AS bd");
        }
        w.sql(" FROM events WHERE project = ").value(spec.project())
                .sql(" AND event = ").value(spec.event())
                .sql(" AND timestamp >= ").value(Micros.timestamp(Micros.ceil(spec.from(), "from")))
                .sql(" AND timestamp < ").value(Micros.timestamp(Micros.ceil(spec.to(), "to")))
                .sql(" AND ");
        DuckDbFilters.all(w, spec.filters());
    }

    /** The series a row of {@code bd} belongs to: its value when among {@code top}, else $other; '' without a breakdown. */
    private static void series(SqlWriter w, TrendSpec spec) {
        if (spec.breakdown() == null) {
            w.sql("''");
        } else {
            // "the events of every other value form one more series, $other, whose value is computed
            // over those events together"
            w.sql("CASE WHEN bd IN (SELECT bd FROM top) THEN bd ELSE ").value(Breakdown.OTHER).sql(" END");
        }
    }

    private static void aggregate(SqlWriter w, SeriesMath math) {
        switch (math) {
            case TOTAL -> w.sql("count(*)");
            case UNIQUE_USERS -> w.sql("count(DISTINCT distinct_id)");
            // "of property over the events whose property is a number (others are skipped)"
            case SUM -> w.sql("sum(v)");
            case AVG -> w.sql("avg(v)");
            case MIN -> w.sql("min(v)");
            case MAX -> w.sql("max(v)");
            case P50, P90, P99 -> w.sql("list_sort(list(v) FILTER (WHERE v IS NOT NULL))");
        }
    }

    /** Per series, per bucket label, the value; buckets without a numeric value are left out. */
    static Map<String, Map<LocalDateTime, Double>> read(TrendSpec spec, ResultSet rs) throws SQLException {
        Map<String, Map<LocalDateTime, Double>> series = new HashMap<>();
        if (spec.breakdown() == null) {
            series.put(QueryEngine.NO_BREAKDOWN, new HashMap<>());
        }
        while (rs.next()) {
            Map<LocalDateTime, Double> buckets = series.computeIfAbsent(rs.getString(1), k -> new HashMap<>());
            double value = rs.getDouble(3);
            if (!rs.wasNull()) {
                buckets.put(rs.getObject(2, LocalDateTime.class), value);
            }
        }
        return series;
    }
}
