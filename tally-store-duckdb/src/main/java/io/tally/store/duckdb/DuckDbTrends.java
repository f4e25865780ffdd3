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
 * lean path in {@link DuckDbQueryEngine}; this one selects the series' events once into a
 * materialized CTE with their bucket, id, numeric value and breakdown value, ranks the breakdown
 * values over the whole range, and aggregates per series and bucket.
 */
final class DuckDbTrends {
    private DuckDbTrends() {
    }

    /** Rows of (series, bucket, value); a NULL value means no numeric value in the bucket. */
    static SqlWriter sql(TrendSpec spec) {
        SqlWriter w = new SqlWriter();
        w.sql("WITH ev AS MATERIALIZED (SELECT ");
        DuckDbPeriods.label(w, spec.interval(), spec.zone(), "timestamp");
        w.sql(" AS bucket, distinct_id");
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
        w.sql(")");
        if (spec.breakdown() != null) {
            // "The limit values with the most events of that series in the whole range are kept (ties:
            // smaller text first)"; DuckDB compares text by bytes, which for UTF-8 is code point order
            w.sql(", top AS (SELECT bd FROM ev GROUP BY bd ORDER BY count(*) DESC, bd LIMIT ").value(spec.breakdown().limit()).sql(")");
        }
        w.sql(", grouped AS (SELECT ");
        if (spec.breakdown() == null) {
            w.sql("''");
        } else {
            // "the events of every other value form one more series, $other, whose value is computed
            // over those events together"
            w.sql("CASE WHEN bd IN (SELECT bd FROM top) THEN bd ELSE ").value(Breakdown.OTHER).sql(" END");
        }
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
