package io.tally.store.clickhouse;

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
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Analytical queries on the ClickHouse store. User values reach the SQL only through
 * {@link ClickHouseSql#literal}; function names come from enums.
 */
public final class ClickHouseQueryEngine implements QueryEngine {
    private final ClickHouseEventStore store;
    private final boolean useRollups;

    public ClickHouseQueryEngine(ClickHouseEventStore store) {
        this(store, true);
    }

    /** {@code useRollups} false reads raw events only: for tests that compare the two paths. */
    ClickHouseQueryEngine(ClickHouseEventStore store, boolean useRollups) {
        this.store = requireNonNull(store, "store is null");
        this.useRollups = useRollups;
    }

    /**
     * Buckets are cut by ClickHouse's timezone-aware functions ({@code toStartOfDay(t, tz)} and friends,
     * measured on 18.16 to give 23- and 25-hour local days on DST changes and right hours in zones with
     * 45-minute offsets), then grouped by their local text: in the autumn the two local 02:00 hours are
     * one bucket, as in DuckDB.
     */
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
        Rollup rollup = useRollups ? Rollup.serving(spec) : null;
        String sql = rollup == null ? rawTrendSql(spec) : rollupTrendSql(spec, rollup);
        Map<LocalDateTime, Double> values = new HashMap<>();
        for (List<String> row : store.http().select(sql)) {
            values.put(parseBucket(row.get(0)), Double.parseDouble(row.get(1)));
        }
        return values;
    }

    /**
     * The same buckets from a rollup: each row is one UTC hour or day, which lies inside one bucket
     * because {@link Rollup#serving} only accepts zones and bounds that cut no row in two. Counts add up
     * and the sets of people merge, so both kinds of series stay exact.
     */
    private static String rollupTrendSql(TrendSpec spec, Rollup rollup) {
        String zone = ClickHouseSql.literal(clickHouseZone(spec.zone()));
        String aggregate = spec.math() == SeriesMath.TOTAL ? "countMerge(events)" : "uniqExactMerge(users)";
        return "SELECT " + bucket(spec.interval(), rollup.column(), zone) + " AS bucket, " + aggregate + " AS value"
                + " FROM " + rollup.table()
                + " WHERE project = " + ClickHouseSql.literal(spec.project())
                + " AND event = " + ClickHouseSql.literal(spec.event())
                + " AND " + rollup.column() + " >= toDateTime(" + spec.from().getEpochSecond() + ")"
                + " AND " + rollup.column() + " < toDateTime(" + spec.to().getEpochSecond() + ")"
                + " GROUP BY bucket";
    }

    private static String rawTrendSql(TrendSpec spec) {
        String zone = ClickHouseSql.literal(clickHouseZone(spec.zone()));
        return "SELECT " + bucket(spec.interval(), "timestamp", zone) + " AS bucket, " + aggregate(spec.math()) + " AS value"
                + " FROM events" + (spec.math() == SeriesMath.TOTAL ? " FINAL" : "")
                + " WHERE project = " + ClickHouseSql.literal(spec.project())
                + " AND event = " + ClickHouseSql.literal(spec.event())
                + " AND " + timeRange(spec.from(), spec.to())
                + " GROUP BY bucket";
    }

    /**
     * TOTAL reads {@code FINAL}: the only duplicates the store can hold are identical re-inserted rows
     * (see {@link ClickHouseEventStore}), which share the sorting key, so FINAL collapses exactly those,
     * streaming and in bounded memory. {@code uniqExact(message_id)} would be exact too but holds every
     * id of a bucket in memory. Distinct users are not changed by duplicate rows, so they skip FINAL.
     */
    private static String aggregate(SeriesMath math) {
        return switch (math) {
            case TOTAL -> "count()";
            case UNIQUE_USERS -> "uniqExact(distinct_id)";
            default -> throw new IllegalArgumentException(math + " is not a plain count");
        };
    }

    /**
     * The local start of the bucket as text. Not {@code toString(...)}: 18.16 drops injective functions
     * from GROUP BY keys and would group by the DateTime value itself, so the two instants of the
     * repeated autumn hour came back as two rows with the same local text (measured). formatDateTime
     * is not injective, so the grouping really is by local wall-clock time. Week and month functions
     * return a Date, which formatDateTime prints at midnight.
     */
    private static String bucket(Interval interval, String column, String zone) {
        String function = switch (interval) {
            case HOUR -> "toStartOfHour";
            case DAY -> "toStartOfDay";
            case WEEK -> "toMonday";
            case MONTH -> "toStartOfMonth";
        };
        return "formatDateTime(" + function + "(" + column + ", " + zone + "), '%Y-%m-%d %H:%M:%S', " + zone + ")";
    }

    private static LocalDateTime parseBucket(String text) {
        return LocalDateTime.parse(text.replace(' ', 'T'));
    }

    /**
     * {@code from <= t < to} to the microsecond over (timestamp seconds, timestamp_us). The whole-second
     * bounds come first so that the primary key and the partitions prune; the sub-second terms are
     * added only when a bound has a fraction.
     */
    static String timeRange(Instant from, Instant to) {
        Instant lo = EventRows.clamp(from);
        Instant hi = EventRows.clamp(to);
        long loSec = lo.getEpochSecond();
        long hiSec = hi.getEpochSecond();
        int loUs = lo.getNano() / 1_000;
        int hiUs = hi.getNano() / 1_000;
        StringBuilder sql = new StringBuilder("timestamp >= toDateTime(").append(loSec).append(")");
        if (loUs > 0) {
            sql.append(" AND (timestamp > toDateTime(").append(loSec).append(") OR timestamp_us >= ").append(loUs).append(")");
        }
        if (hiUs > 0) {
            sql.append(" AND timestamp <= toDateTime(").append(hiSec).append(")")
                    .append(" AND (timestamp < toDateTime(").append(hiSec).append(") OR timestamp_us < ").append(hiUs).append(")");
        } else {
            sql.append(" AND timestamp < toDateTime(").append(hiSec).append(")");
        }
        return sql.toString();
    }

    /**
     * ClickHouse knows IANA region names and {@code UTC}. Java's fixed offsets map to the POSIX-style
     * {@code Etc/GMT-h} zones (sign inverted by convention), which exist only for whole hours.
     */
    static String clickHouseZone(ZoneId zone) {
        ZoneId normalized = zone.normalized();
        if (!(normalized instanceof ZoneOffset offset)) {
            return zone.getId();
        }
        int seconds = offset.getTotalSeconds();
        if (seconds == 0) {
            return "UTC";
        }
        if (seconds % 3600 != 0) {
            throw TallyException.forField(ErrorCode.INVALID_QUERY, "timezone",
                    "ClickHouse supports fixed offsets in whole hours only; use a region such as Asia/Kolkata instead of " + zone);
        }
        int hours = seconds / 3600;
        return "Etc/GMT" + (hours > 0 ? "-" : "+") + Math.abs(hours);
    }

    @Override
    public String name() {
        return "clickhouse";
    }
}
