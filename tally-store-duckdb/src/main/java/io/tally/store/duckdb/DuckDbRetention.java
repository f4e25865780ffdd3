package io.tally.store.duckdb;

import io.tally.core.query.Cohort;
import io.tally.core.query.CohortType;
import io.tally.core.query.RetentionSpec;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Retention (docs/queries.md, "Retention"). Periods are numbered (see {@link DuckDbPeriods}), so that
 * "a return event in period P + j" is an equality of integers. DuckDB finds each cohort member with
 * the first start event of its period, joins the member's return events of periods P..P + N (one in P
 * itself counts when it is at or after that first start) into one bit per j, and counts the bits per
 * cohort. Java lays the counts onto the list of cohorts, which it makes itself so that empty cohorts
 * are listed too.
 */
final class DuckDbRetention {
    /** Local periods are cut by ICU in SQL and by java.time for the labels; the scan bounds leave room for either. */
    private static final Duration MARGIN = Duration.ofDays(2);

    private DuckDbRetention() {
    }

    /** The cohorts of the query: "the local periods that overlap [from, to), in order". */
    static List<LocalDateTime> cohorts(RetentionSpec spec) {
        return DuckDbPeriods.overlapping(spec.from(), spec.to(), spec.period(), spec.zone());
    }

    /** Rows of (cohort's period index, j, people); j = -1 is the cohort's size. */
    static SqlWriter sql(RetentionSpec spec, List<LocalDateTime> cohorts, HotColumns hot) {
        LocalDateTime first = cohorts.get(0);
        LocalDateTime last = cohorts.get(cohorts.size() - 1);
        long firstIndex = DuckDbPeriods.index(first, spec.period());
        long lastIndex = DuckDbPeriods.index(last, spec.period());
        LocalDateTime periodsStart = bound(DuckDbPeriods.start(first, spec.zone()).minus(MARGIN), "from");
        // "Return events count wherever they fall in time (not limited to to)": up to period P + N of the last cohort
        LocalDateTime returnsEnd = bound(DuckDbPeriods.start(DuckDbPeriods.plus(last, spec.period(), spec.periods() + 1L), spec.zone())
                .plus(MARGIN), "to");
        LocalDateTime startsEnd = bound(DuckDbPeriods.start(DuckDbPeriods.plus(last, spec.period(), 1), spec.zone()).plus(MARGIN), "to");
        LocalDateTime from = bound(spec.from(), "from");
        LocalDateTime to = bound(spec.to(), "to");
        boolean firstTime = spec.cohortType() == CohortType.FIRST_TIME;

        SqlWriter w = new SqlWriter(hot);
        w.sql("WITH ");
        DuckDbPeople.linkCte(w, spec.project());
        w.sql(", ev AS MATERIALIZED (SELECT * FROM (SELECT " + DuckDbPeople.PERSON + " AS person, e.timestamp AS ts, ");
        DuckDbFilters.matcher(w, spec.startEvent());
        w.sql(" AS s, ");
        DuckDbFilters.matcher(w, spec.returnEvent());
        w.sql(" AND e.timestamp >= ").value(periodsStart).sql(" AND e.timestamp < ").value(returnsEnd).sql(" AS r");
        w.sql(" FROM " + DuckDbPeople.JOIN + " WHERE e.project = ").value(spec.project()).sql(" AND ");
        rowsRead(w, spec, firstTime, periodsStart, startsEnd, returnsEnd);
        // "The query's filters apply to both events."
        w.sql(" AND ");
        DuckDbFilters.all(w, spec.filters());
        w.sql(") WHERE s OR r)");
        if (firstTime) {
            w.sql(", firsts AS (SELECT person, min(ts) AS first_ts FROM ev WHERE s GROUP BY person)");
            w.sql(", members AS (SELECT person, ");
            DuckDbPeriods.index(w, spec.period(), spec.zone(), "first_ts");
            w.sql(" AS cidx, epoch_us(first_ts) AS first_t FROM firsts WHERE first_ts >= ").value(from).sql(" AND first_ts < ").value(to).sql(")");
        } else {
            w.sql(", starts AS (SELECT person, ");
            DuckDbPeriods.index(w, spec.period(), spec.zone(), "ts");
            w.sql(" AS cidx, ts FROM ev WHERE s)");
            // "every cohort whose period holds one of their start events in [from, to)", and "the person's
            // first start event within P", which may lie before from
            w.sql(", members AS (SELECT person, cidx, epoch_us(min(ts)) AS first_t FROM starts WHERE cidx >= ").value(firstIndex)
                    .sql(" AND cidx <= ").value(lastIndex).sql(" GROUP BY person, cidx HAVING bool_or(ts >= ").value(from)
                    .sql(" AND ts < ").value(to).sql("))");
        }
        // "retained in period j means the person has a return event in period P + j; for j = 0 the
        // return event must be at or after the person's first start event within P": per cohort member,
        // one bit per j that holds such a return. One group per member, where grouping the returns per
        // person and period first and joining those to the members took a third longer on the query
        // benchmark's 12 weeks (2 M return events, 1.2 M person-weeks; measured).
        w.sql(", back AS (SELECT m.cidx, bit_or(CAST(1 AS UBIGINT) << CAST(r.ridx - m.cidx AS UBIGINT)) AS bits FROM members m JOIN (SELECT person, ");
        DuckDbPeriods.index(w, spec.period(), spec.zone(), "ts");
        w.sql(" AS ridx, epoch_us(ts) AS t FROM ev WHERE r) r ON m.person = r.person AND r.ridx >= m.cidx AND r.ridx <= m.cidx + ")
                .value((long) spec.periods()).sql(" AND (r.ridx > m.cidx OR r.t >= m.first_t) GROUP BY m.person, m.cidx)");
        w.sql(" SELECT cidx, -1 AS j, count(*) AS people FROM members GROUP BY cidx");
        // periods is at most RetentionSpec.MAX_PERIODS (60), so the bits of j = 0..N fit in 64
        w.sql(" UNION ALL SELECT cidx, unnest(range(0, " + (spec.periods() + 1) + ")) AS j, unnest([");
        for (int j = 0; j <= spec.periods(); j++) {
            w.sql((j > 0 ? ", " : "") + "count(*) FILTER (WHERE (bits >> " + j + ") & 1 = 1)");
        }
        w.sql("]) AS people FROM back GROUP BY cidx");
        return w;
    }

    /** The cohorts in order, each with its size and retained[0..N]; cohorts nobody joined have zeros. */
    static List<Cohort> read(RetentionSpec spec, List<LocalDateTime> cohorts, ResultSet rs) throws SQLException {
        Map<Long, long[]> counts = new HashMap<>();
        while (rs.next()) {
            long cohort = rs.getLong(1);
            int j = rs.getInt(2);
            long[] row = counts.computeIfAbsent(cohort, k -> new long[spec.periods() + 2]);
            row[j + 1] = rs.getLong(3);
        }
        List<Cohort> result = new ArrayList<>(cohorts.size());
        for (int i = 0; i < cohorts.size(); i++) {
            LocalDateTime label = cohorts.get(i);
            long[] row = counts.getOrDefault(DuckDbPeriods.index(label, spec.period()), new long[spec.periods() + 2]);
            List<Long> retained = new ArrayList<>(spec.periods() + 1);
            for (int j = 0; j <= spec.periods(); j++) {
                retained.add(row[j + 1]);
            }
            result.add(new Cohort(label, row[0], retained));
        }
        return result;
    }

    /**
     * The rows a retention table reads, by name and time only: start events (of all time for
     * first_time: "their first start event ever (over all of the project's data)") and return events
     * up to period P + N of the last cohort ("Return events count wherever they fall in time").
     */
    private static void rowsRead(SqlWriter w, RetentionSpec spec, boolean firstTime, LocalDateTime periodsStart, LocalDateTime startsEnd,
                                 LocalDateTime returnsEnd) {
        // list_contains on its own lets the scan skip most rows before it reads the rest (10% faster here)
        w.sql("list_contains(").list(List.of(spec.startEvent().event(), spec.returnEvent().event())).sql(", event) AND ");
        w.sql("((event = ").value(spec.startEvent().event());
        if (!firstTime) {
            w.sql(" AND timestamp >= ").value(periodsStart).sql(" AND timestamp < ").value(startsEnd);
        }
        w.sql(") OR (event = ").value(spec.returnEvent().event()).sql(" AND timestamp >= ").value(periodsStart)
                .sql(" AND timestamp < ").value(returnsEnd).sql("))");
    }

    /** A bound on the stored TIMESTAMP column; {@code field} names the query field in errors. */
    private static LocalDateTime bound(Instant instant, String field) {
        return Micros.timestamp(Micros.ceil(instant, field));
    }
}
