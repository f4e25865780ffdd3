package io.tally.store.clickhouse;

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
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Analytical queries on the ClickHouse store: trends, funnels and retention as docs/queries.md defines
 * them, each built by a class of its own ({@link ClickHouseTrends}, {@link ClickHouseFunnels},
 * {@link ClickHouseCohorts}) from shared pieces ({@link ClickHouseFilters}, {@link ClickHousePeople},
 * {@link ClickHouseTime}). User values reach the SQL only through {@link ClickHouseSql#literal} (and
 * numbers as their exact bytes); function names come from enums.
 */
public final class ClickHouseQueryEngine implements QueryEngine {
    /** Far beyond any useful funnel, and small enough that microseconds of it never overflow. */
    static final Duration MAX_WINDOW = Duration.ofDays(36_500);

    private final ClickHouseEventStore store;
    private final boolean useRollups;
    private final ClickHousePeople.Links forcedLinks;

    public ClickHouseQueryEngine(ClickHouseEventStore store) {
        this(store, true, null);
    }

    /** {@code useRollups} false reads raw events only: for tests that compare the two paths. */
    ClickHouseQueryEngine(ClickHouseEventStore store, boolean useRollups) {
        this(store, useRollups, null);
    }

    /**
     * {@code forcedLinks}, when not null, is the way every funnel and retention query joins identity
     * links, instead of the one chosen per query: for tests that hold each way to the reference.
     */
    ClickHouseQueryEngine(ClickHouseEventStore store, boolean useRollups, ClickHousePeople.Links forcedLinks) {
        this.store = requireNonNull(store, "store is null");
        this.useRollups = useRollups;
        this.forcedLinks = forcedLinks;
    }

    /**
     * Buckets are cut by ClickHouse's timezone-aware functions ({@code toStartOfDay(t, tz)} and friends,
     * measured on 18.16 to give 23- and 25-hour local days on DST changes and right hours in zones with
     * 45-minute offsets), then grouped by their local text: in the autumn the two local 02:00 hours are
     * one bucket, as in DuckDB. Plain counts may come from a rollup; everything else reads raw events
     * ({@link ClickHouseTrends}).
     */
    @Override
    public Map<String, Map<LocalDateTime, Double>> trend(TrendSpec spec) {
        requireNonNull(spec, "spec is null");
        // a zone ClickHouse cannot name fails here, with the field, whichever path answers
        ClickHouseTime.zone(spec.zone());
        if (spec.isPlainCount()) {
            return Map.of(NO_BREAKDOWN, plainTrend(spec));
        }
        boolean deduplicate = ClickHouseTrends.countsRows(spec)
                && store.http().select(ClickHouseTrends.duplicatesSql(spec)).get(0).get(0).equals("1");
        return ClickHouseTrends.read(store.http().select(ClickHouseTrends.sql(spec, deduplicate)));
    }

    /**
     * One query without breakdown or when every value fits the limit; with more values, a second run
     * groups all but the top {@code limit} as {@code $other} (see {@link ClickHouseFunnels}).
     */
    @Override
    public Map<String, List<FunnelStepResult>> funnel(FunnelSpec spec) {
        requireNonNull(spec, "spec is null");
        if (spec.window().compareTo(MAX_WINDOW) > 0) {
            throw TallyException.forField(ErrorCode.INVALID_QUERY, "window",
                    "a funnel window may be at most " + MAX_WINDOW.toDays() + " days, was " + spec.window());
        }
        ClickHousePeople.Links links = links(spec.project(), ClickHouseFunnels.where(spec));
        Map<String, List<FunnelStepResult>> results = ClickHouseFunnels.read(spec, store.http().select(ClickHouseFunnels.sql(spec, null, links)));
        if (spec.breakdown() == null) {
            return results;
        }
        List<String> kept = ClickHouseFunnels.kept(results, spec.breakdown().limit());
        return kept == null ? results : ClickHouseFunnels.read(spec, store.http().select(ClickHouseFunnels.sql(spec, kept, links)));
    }

    @Override
    public List<Cohort> retention(RetentionSpec spec) {
        requireNonNull(spec, "spec is null");
        ClickHouseTime.zone(spec.zone());
        ClickHousePeople.Links links = links(spec.project(), ClickHouseCohorts.where(spec));
        return ClickHouseCohorts.read(spec, store.http().select(ClickHouseCohorts.sql(spec, links)));
    }

    @Override
    public List<RecentEvent> recentEvents(RecentEventsSpec spec) {
        requireNonNull(spec, "spec is null");
        return ClickHouseRecentEvents.read(store.http().select(ClickHouseRecentEvents.sql(spec)));
    }

    /** Which identity links the query joins, asked before it; see {@link ClickHousePeople}. */
    private ClickHousePeople.Links links(String project, String where) {
        if (forcedLinks != null) {
            return forcedLinks;
        }
        long linkRows = Long.parseLong(store.http().select(ClickHousePeople.linkRowsSql(project)).get(0).get(0));
        if (linkRows == 0) {
            return ClickHousePeople.Links.NONE;
        }
        long atLeast = ClickHousePeople.Links.anonymousEventsForAll(linkRows);
        long anonymousEvents = Long.parseLong(store.http().select(ClickHousePeople.anonymousEventsSql(where, atLeast)).get(0).get(0));
        return ClickHousePeople.Links.choose(anonymousEvents, linkRows);
    }

    private Map<LocalDateTime, Double> plainTrend(TrendSpec spec) {
        Rollup rollup = useRollups ? Rollup.serving(spec) : null;
        String sql = rollup == null ? rawTrendSql(spec) : rollupTrendSql(spec, rollup);
        Map<LocalDateTime, Double> values = new HashMap<>();
        for (List<String> row : store.http().select(sql)) {
            values.put(ClickHouseTime.parseBucket(row.get(0)), Double.parseDouble(row.get(1)));
        }
        return values;
    }

    /**
     * The same buckets from a rollup: each row is one UTC hour or day, which lies inside one bucket
     * because {@link Rollup#serving} only accepts zones and bounds that cut no row in two. Counts add up
     * and the sets of people merge, so both kinds of series stay exact.
     */
    private static String rollupTrendSql(TrendSpec spec, Rollup rollup) {
        String zone = ClickHouseTime.zoneLiteral(spec.zone());
        String aggregate = spec.math() == SeriesMath.TOTAL ? "countMerge(events)" : "uniqExactMerge(users)";
        return "SELECT " + ClickHouseTime.bucket(spec.interval(), rollup.column(), zone) + " AS bucket, " + aggregate + " AS value"
                + " FROM " + rollup.table()
                + " WHERE project = " + ClickHouseSql.literal(spec.project())
                + " AND event = " + ClickHouseSql.literal(spec.event())
                + " AND " + rollup.column() + " >= toDateTime(" + spec.from().getEpochSecond() + ")"
                + " AND " + rollup.column() + " < toDateTime(" + spec.to().getEpochSecond() + ")"
                + " GROUP BY bucket";
    }

    private static String rawTrendSql(TrendSpec spec) {
        String zone = ClickHouseTime.zoneLiteral(spec.zone());
        return "SELECT " + ClickHouseTime.bucket(spec.interval(), "timestamp", zone) + " AS bucket, " + aggregate(spec.math()) + " AS value"
                + " FROM events" + (spec.math() == SeriesMath.TOTAL ? " FINAL" : "")
                + " WHERE project = " + ClickHouseSql.literal(spec.project())
                + " AND event = " + ClickHouseSql.literal(spec.event())
                + " AND " + ClickHouseTime.range(spec.from(), spec.to())
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

    @Override
    public String name() {
        return "clickhouse";
    }
}
