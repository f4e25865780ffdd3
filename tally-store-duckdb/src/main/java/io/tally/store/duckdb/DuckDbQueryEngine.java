package io.tally.store.duckdb;

import java.util.List;

import static java.util.Objects.requireNonNull;

import io.tally.core.ErrorCode;
import io.tally.core.TallyException;
import io.tally.core.query.Interval;
import io.tally.core.query.SeriesMath;
import io.tally.core.query.Cohort;
import io.tally.core.query.FunnelSpec;
import io.tally.core.query.FunnelStepResult;
import io.tally.core.query.RetentionSpec;
import io.tally.core.query.TrendSpec;
import io.tally.core.spi.QueryEngine;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;

/**
 * Analytical queries on the DuckDB store. Every value from a user is a bind parameter; only
 * identifiers chosen from enums are written into the SQL text.
 */
public final class DuckDbQueryEngine implements QueryEngine {
    private final DuckDbEventStore store;

    public DuckDbQueryEngine(DuckDbEventStore store) {
        this.store = requireNonNull(store, "store is null");
    }

    @Override
    public Map<String, Map<LocalDateTime, Double>> trend(TrendSpec spec) {
        if (!spec.isPlainCount()) {
            throw new TallyException(ErrorCode.INVALID_QUERY, "filters, breakdowns and numeric math are not available on " + name() + " yet");
        }
        return Map.of(NO_BREAKDOWN, plainTrend(spec));
    }

    @Override
    public Map<String, List<FunnelStepResult>> funnel(FunnelSpec spec) {
        throw new TallyException(ErrorCode.INVALID_QUERY, "funnels are not available on " + name() + " yet");
    }

    @Override
    public List<Cohort> retention(RetentionSpec spec) {
        throw new TallyException(ErrorCode.INVALID_QUERY, "retention is not available on " + name() + " yet");
    }

    private Map<LocalDateTime, Double> plainTrend(TrendSpec spec) {
        // timestamps are stored as UTC; timezone() turns them into local wall-clock time, so that
        // date_trunc cuts local days (23 or 25 hours long on DST changes), ISO weeks and months
        String sql = "SELECT date_trunc('" + unit(spec.interval()) + "', timezone(?, timestamp::TIMESTAMPTZ)) AS bucket, "
                + aggregate(spec.math()) + " AS value "
                + "FROM events WHERE project = ? AND event = ? AND timestamp >= ? AND timestamp < ? "
                + "GROUP BY bucket";
        try (Connection c = store.openReader(); PreparedStatement st = c.prepareStatement(sql)) {
            st.setString(1, zoneName(spec.zone()));
            st.setString(2, spec.project());
            st.setString(3, spec.event());
            st.setObject(4, DuckDbEventStore.utc(spec.from()));
            st.setObject(5, DuckDbEventStore.utc(spec.to()));
            Map<LocalDateTime, Double> values = new HashMap<>();
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    values.put(rs.getObject(1, LocalDateTime.class), rs.getDouble(2));
                }
            }
            return values;
        } catch (SQLException e) {
            throw new TallyException(ErrorCode.STORE_UNAVAILABLE, "DuckDB query failed: " + e.getMessage(), e);
        }
    }

    /** ICU knows region ids and {@code UTC}, not Java's offset id {@code Z}. */
    private static String zoneName(ZoneId zone) {
        ZoneId normalized = zone.normalized();
        return normalized.equals(ZoneOffset.UTC) ? "UTC" : zone.getId();
    }

    private static String unit(Interval interval) {
        return switch (interval) {
            case HOUR -> "hour";
            case DAY -> "day";
            case WEEK -> "week";
            case MONTH -> "month";
        };
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
