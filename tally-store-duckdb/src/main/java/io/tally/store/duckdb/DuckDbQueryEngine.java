package io.tally.store.duckdb;

import static java.util.Objects.requireNonNull;

import io.tally.core.ErrorCode;
import io.tally.core.TallyException;
import io.tally.core.query.Cohort;
import io.tally.core.query.FunnelSpec;
import io.tally.core.query.FunnelStepResult;
import io.tally.core.query.RecentEvent;
import io.tally.core.query.RecentEventsSpec;
import io.tally.core.query.RetentionSpec;
import io.tally.core.query.SeriesMath;
import io.tally.core.query.TrendSpec;
import io.tally.core.spi.QueryEngine;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Analytical queries on the DuckDB store, meaning exactly what docs/queries.md says. Every value from a
 * user is a bind parameter (see {@link SqlWriter}); only names chosen from enums and Tally's own SQL
 * are written into the text. The SQL of each kind of query is built by its own class:
 * {@link DuckDbTrends}, {@link DuckDbFunnels}, {@link DuckDbRetention}, from the shared pieces
 * {@link DuckDbFilters}, {@link DuckDbProperties}, {@link DuckDbPeople} and {@link DuckDbPeriods}.
 */
public final class DuckDbQueryEngine implements QueryEngine {
    private final DuckDbEventStore store;

    public DuckDbQueryEngine(DuckDbEventStore store) {
        this.store = requireNonNull(store, "store is null");
    }

    /**
     * Plain counts (no filters, breakdown or numeric math: what dashboards and benchmarks ask most) keep
     * their own lean statement; everything else goes through {@link DuckDbTrends}.
     */
    @Override
    public Map<String, Map<LocalDateTime, Double>> trend(TrendSpec spec) {
        requireNonNull(spec, "spec is null");
        if (spec.isPlainCount()) {
            return Map.of(NO_BREAKDOWN, plainTrend(spec));
        }
        return run(DuckDbTrends.sql(spec, store.hotColumns()), rs -> DuckDbTrends.read(spec, rs));
    }

    @Override
    public Map<String, List<FunnelStepResult>> funnel(FunnelSpec spec) {
        requireNonNull(spec, "spec is null");
        return run(DuckDbFunnels.sql(spec, store.hotColumns()), rs -> DuckDbFunnels.read(spec, rs));
    }

    @Override
    public List<Cohort> retention(RetentionSpec spec) {
        requireNonNull(spec, "spec is null");
        List<LocalDateTime> cohorts = DuckDbRetention.cohorts(spec);
        return run(DuckDbRetention.sql(spec, cohorts, store.hotColumns()), rs -> DuckDbRetention.read(spec, cohorts, rs));
    }

    @Override
    public List<RecentEvent> recentEvents(RecentEventsSpec spec) {
        requireNonNull(spec, "spec is null");
        return run(DuckDbRecentEvents.sql(spec, store.hotColumns()), DuckDbRecentEvents::read);
    }

    private interface Reader<T> {
        T read(ResultSet rs) throws SQLException;
    }

    private <T> T run(SqlWriter sql, Reader<T> reader) {
        try (Connection c = store.openReader(); PreparedStatement st = sql.prepare(c); ResultSet rs = st.executeQuery()) {
            return reader.read(rs);
        } catch (SQLException e) {
            if (String.valueOf(e.getMessage()).contains("Unknown TimeZone")) {
                // a zone java.time knows but DuckDB's ICU data does not: the question, not the store, is at fault
                throw TallyException.forField(ErrorCode.INVALID_QUERY, "timezone", "DuckDB does not know this time zone: " + e.getMessage());
            }
            throw new TallyException(ErrorCode.STORE_UNAVAILABLE, "DuckDB query failed: " + e.getMessage(), e);
        }
    }

    /**
     * The statement plain counts always had: bucket by local time, count, nothing else. Its bounds are
     * bound as before (not rounded to microseconds), so that its answers stay exactly what they were.
     */
    private Map<LocalDateTime, Double> plainTrend(TrendSpec spec) {
        SqlWriter w = new SqlWriter();
        w.sql("SELECT ");
        DuckDbPeriods.label(w, spec.interval(), spec.zone(), "timestamp");
        w.sql(" AS bucket, " + aggregate(spec.math()) + " AS value FROM events WHERE project = ").value(spec.project())
                .sql(" AND event = ").value(spec.event())
                .sql(" AND timestamp >= ").value(DuckDbEventStore.utc(spec.from()))
                .sql(" AND timestamp < ").value(DuckDbEventStore.utc(spec.to()))
                .sql(" GROUP BY bucket");
        return run(w, rs -> {
            Map<LocalDateTime, Double> values = new HashMap<>();
            while (rs.next()) {
                values.put(rs.getObject(1, LocalDateTime.class), rs.getDouble(2));
            }
            return values;
        });
    }

    private static String aggregate(SeriesMath math) {
        return switch (math) {
            case TOTAL -> "count(*)";
            case UNIQUE_USERS -> "count(DISTINCT distinct_id)";
            default -> throw new IllegalArgumentException(math + " is not a plain count");
        };
    }

    @Override
    public String name() {
        return "duckdb";
    }
}
