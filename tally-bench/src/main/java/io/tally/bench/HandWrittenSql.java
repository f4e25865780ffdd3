package io.tally.bench;

import io.tally.core.query.Cohort;
import io.tally.core.query.FunnelStepResult;
import io.tally.store.duckdb.DuckDbEventStore;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.TreeMap;

/**
 * The query benchmark's three questions as a person would write them by hand for each engine, on
 * Tally's tables, each returning its answer in {@link Answers}' form so that the benchmark can check
 * that it answers the same question as Tally (docs/queries.md) before it compares their times.
 *
 * <p>The funnel is written the way the documentation states it: from every entry, the first step-2
 * event after it, then the first step-3 event after that, each no later than the entry plus the window;
 * per person the deepest chain, then the earliest entry. On DuckDB that is an ASOF join per step, on
 * ClickHouse {@code arrayFirst} over each person's sorted instants per step. Neither shares work
 * between chains the way Tally's plans do (see DuckDbFunnels and ClickHouseFunnels), which is why they
 * are slower. Until 2026-11-28 the baselines asked looser questions: DuckDB followed each person's
 * first entry only, and ClickHouse used 18.16's {@code windowFunnel}, which compares whole seconds and
 * follows one chain per person; their answers differed from Tally's.
 */
final class HandWrittenSql {
    private HandWrittenSql() {
    }

    /** The three questions of {@link QueryBenchmark}, each returning its answer. */
    interface Baselines {
        String trend();

        String funnel();

        String retention();
    }

    /**
     * DuckDB, on the events and the identity links DuckDB keeps next to them (a log, read as its
     * earliest link per anonymous id). The link is joined on the anonymous id alone (coalesce prefers
     * the event's own userId anyway): with {@code e.user_id IS NULL} in the ON clause DuckDB 1.4 gives
     * up the hash join for a nested loop, and the funnel took minutes.
     */
    record DuckDb(DuckDbEventStore store) implements Baselines {
        private static final String FROM30 = "TIMESTAMP '2026-10-02 00:00:00'";
        private static final String TO = "TIMESTAMP '2026-11-01 00:00:00'";
        private static final String PEOPLE = """
                links AS (SELECT anon AS anonymous_id, arg_min(uid, {t: linked_at, u: uid}) AS user_id FROM person_links
                          WHERE project = 'bench' GROUP BY anon)""";

        @Override
        public String trend() {
            Map<String, Map<LocalDate, Long>> counts = new TreeMap<>();
            for (List<Object> row : rows("""
                    WITH e AS (SELECT date_trunc('day', timestamp) AS d, coalesce(%3$s, '$none') AS v
                               FROM events WHERE project = 'bench' AND event = 'page_viewed' AND timestamp >= %1$s AND timestamp < %2$s),
                         top AS (SELECT v FROM e GROUP BY v ORDER BY count(*) DESC, v LIMIT 5)
                    SELECT CAST(d AS DATE), CASE WHEN v IN (SELECT v FROM top) THEN v ELSE '$other' END AS b, count(*) FROM e GROUP BY d, b"""
                    .formatted(FROM30, TO, store.hotColumn("plan").orElse("json_extract_string(properties, '$.plan')")))) {
                counts.computeIfAbsent((String) row.get(1), v -> new TreeMap<>()).put(date(row.get(0)), ((Number) row.get(2)).longValue());
            }
            return Answers.trend(counts);
        }

        @Override
        public String funnel() {
            List<Object> row = rows("""
                    WITH %3$s,
                         s AS (SELECT coalesce(e.user_id, l.user_id, e.anonymous_id) AS person, e.timestamp AS t, e.event
                               FROM events e LEFT JOIN links l ON l.anonymous_id = e.anonymous_id
                               WHERE e.project = 'bench' AND e.event IN ('page_viewed', 'signup', 'checkout_started', 'purchase')
                                 AND e.timestamp >= %1$s AND e.timestamp <= %2$s + INTERVAL 7 DAY),
                         e1 AS (SELECT person, t FROM s WHERE event = 'page_viewed' AND t < %2$s),
                         s2 AS (SELECT person, t FROM s WHERE event = 'signup'),
                         s3 AS (SELECT person, t FROM s WHERE event = 'checkout_started'),
                         s4 AS (SELECT person, t FROM s WHERE event = 'purchase'),
                         c2 AS (SELECT e1.person, e1.t AS t1, s2.t AS t2 FROM e1 ASOF LEFT JOIN s2 ON e1.person = s2.person AND s2.t > e1.t),
                         c3 AS (SELECT c2.*, s3.t AS t3 FROM c2 ASOF LEFT JOIN s3 ON c2.person = s3.person AND s3.t > c2.t2),
                         c4 AS (SELECT c3.*, s4.t AS t4 FROM c3 ASOF LEFT JOIN s4 ON c3.person = s4.person AND s4.t > c3.t3),
                         chains AS (SELECT person, t1, (epoch_us(t2) - epoch_us(t1)) / 1e6 AS g2, (epoch_us(t3) - epoch_us(t2)) / 1e6 AS g3,
                                           (epoch_us(t4) - epoch_us(t3)) / 1e6 AS g4,
                                           CASE WHEN t2 IS NULL OR t2 > t1 + INTERVAL 7 DAY THEN 1 WHEN t3 IS NULL OR t3 > t1 + INTERVAL 7 DAY THEN 2
                                                WHEN t4 IS NULL OR t4 > t1 + INTERVAL 7 DAY THEN 3 ELSE 4 END AS depth FROM c4),
                         best AS (SELECT * FROM chains QUALIFY row_number() OVER (PARTITION BY person ORDER BY depth DESC, t1) = 1)
                    SELECT count(*), count(*) FILTER (depth >= 2), count(*) FILTER (depth >= 3), count(*) FILTER (depth >= 4),
                           list_sort(list(g2) FILTER (depth >= 2))[count(*) FILTER (depth >= 2) // 2 + 1], avg(g2) FILTER (depth >= 2),
                           list_sort(list(g3) FILTER (depth >= 3))[count(*) FILTER (depth >= 3) // 2 + 1], avg(g3) FILTER (depth >= 3),
                           list_sort(list(g4) FILTER (depth >= 4))[count(*) FILTER (depth >= 4) // 2 + 1], avg(g4) FILTER (depth >= 4)
                    FROM best""".formatted(FROM30, TO, PEOPLE)).get(0);
            List<String> values = new ArrayList<>();
            for (Object value : row) {
                values.add(value == null ? "0" : value.toString());
            }
            return funnelAnswer(values);
        }

        @Override
        public String retention() {
            Map<LocalDate, long[]> cohorts = new TreeMap<>();
            for (List<Object> row : rows("""
                    WITH %1$s,
                         s AS (SELECT coalesce(e.user_id, l.user_id, e.anonymous_id) AS person, e.timestamp AS t, e.event
                               FROM events e LEFT JOIN links l ON l.anonymous_id = e.anonymous_id
                               WHERE e.project = 'bench' AND e.event IN ('signup', 'login')),
                         firsts AS (SELECT person, min(t) AS t0 FROM s WHERE event = 'signup' GROUP BY person),
                         cohort AS (SELECT person, t0, date_trunc('week', t0) AS w FROM firsts
                                    WHERE t0 >= TIMESTAMP '2026-08-03 00:00:00' AND t0 < TIMESTAMP '2026-10-26 00:00:00'),
                         back AS (SELECT DISTINCT c.person, c.w, date_diff('week', c.w, date_trunc('week', s.t)) AS k
                                  FROM cohort c JOIN s ON s.person = c.person AND s.event = 'login'
                                  AND s.t >= c.w AND (date_trunc('week', s.t) > c.w OR s.t >= c.t0))
                    SELECT CAST(w AS DATE), -1, count(*) FROM cohort GROUP BY w
                    UNION ALL SELECT CAST(w AS DATE), k, count(*) FROM back WHERE k <= 11 GROUP BY w, k""".formatted(PEOPLE))) {
                long[] cohort = cohorts.computeIfAbsent(date(row.get(0)), w -> new long[13]);
                cohort[((Number) row.get(1)).intValue() + 1] = ((Number) row.get(2)).longValue();
            }
            return retentionAnswer(cohorts);
        }

        /** DuckDB's JDBC driver hands a DATE over as a {@link LocalDate}; older drivers as {@link java.sql.Date}. */
        private static LocalDate date(Object value) {
            return value instanceof java.sql.Date date ? date.toLocalDate() : (LocalDate) value;
        }

        private List<List<Object>> rows(String sql) {
            List<List<Object>> rows = new ArrayList<>();
            try (Connection c = store.openReader(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
                int columns = rs.getMetaData().getColumnCount();
                while (rs.next()) {
                    List<Object> row = new ArrayList<>(columns);
                    for (int i = 1; i <= columns; i++) {
                        row.add(rs.getObject(i));
                    }
                    rows.add(row);
                }
            } catch (SQLException e) {
                throw new IllegalStateException("hand-written DuckDB SQL failed: " + e.getMessage(), e);
            }
            return rows;
        }
    }

    /**
     * ClickHouse 18.16, on Tally's events table, with identity links worked out from the events (the
     * earliest userId of each anonymous id). The linked user is named {@code linked_user}: named
     * {@code user_id}, the alias shadows the column in the subquery's own WHERE and 18.16 refuses the
     * query (an aggregate function in WHERE). 18.16 does not see an array used only inside a lambda
     * nested in another lambda, so each level names the arrays it reads that way in a WHERE that always
     * holds.
     */
    record ClickHouse(ClickHouseClient client, String database) implements Baselines {
        private static final String RANGE30 = "timestamp >= toDateTime('2026-10-02 00:00:00', 'UTC') AND timestamp < toDateTime('2026-11-01 00:00:00', 'UTC')";
        /** 2026-11-01T00:00:00Z in microseconds. */
        private static final String TO_MICROS = "1793491200000000";
        private static final String WINDOW_MICROS = "604800000000";

        /** The events of {@code where} as (person, t in microseconds, event). */
        private String people(String where) {
            return """
                    SELECT ifNull(user_id, ifNull(linked_user, anonymous_id)) AS person, toUInt64(timestamp) * 1000000 + timestamp_us AS t, event
                    FROM %1$s.events ANY LEFT JOIN (SELECT anonymous_id, argMin(user_id, timestamp) AS linked_user FROM %1$s.events
                                                   WHERE project = 'bench' AND isNotNull(user_id) AND isNotNull(anonymous_id) GROUP BY anonymous_id) AS l
                         USING anonymous_id
                    WHERE project = 'bench' AND %2$s""".formatted(database, where);
        }

        @Override
        public String trend() {
            Map<String, Map<LocalDate, Long>> counts = new TreeMap<>();
            for (List<String> row : client.select("""
                    SELECT toDate(timestamp, 'UTC') AS d,
                           if(has((SELECT groupArray(v) FROM (SELECT plan AS v FROM (SELECT ifNull(nullIf(properties.value[indexOf(properties.key, 'plan')], ''), '$none') AS plan
                                 FROM %1$s.events WHERE project = 'bench' AND event = 'page_viewed' AND %2$s) GROUP BY v ORDER BY count() DESC, v LIMIT 5)), plan), plan, '$other') AS b,
                           count()
                    FROM (SELECT timestamp, ifNull(nullIf(properties.value[indexOf(properties.key, 'plan')], ''), '$none') AS plan
                          FROM %1$s.events FINAL WHERE project = 'bench' AND event = 'page_viewed' AND %2$s)
                    GROUP BY d, b""".formatted(database, RANGE30))) {
                counts.computeIfAbsent(row.get(1), v -> new TreeMap<>()).put(LocalDate.parse(row.get(0)), Long.parseLong(row.get(2)));
            }
            return Answers.trend(counts);
        }

        @Override
        public String funnel() {
            String events = people("event IN ('page_viewed', 'signup', 'checkout_started', 'purchase')"
                    + " AND timestamp >= toDateTime('2026-10-02 00:00:00', 'UTC') AND timestamp < toDateTime('2026-11-08 00:00:00', 'UTC')");
            List<String> row = client.select("""
                    SELECT countIf(depth >= 1), countIf(depth >= 2), countIf(depth >= 3), countIf(depth >= 4),
                           quantileExactIf(0.5)(t2 - t1, depth >= 2), avgIf(t2 - t1, depth >= 2),
                           quantileExactIf(0.5)(t3 - t2, depth >= 3), avgIf(t3 - t2, depth >= 3),
                           quantileExactIf(0.5)(t4 - t3, depth >= 4), avgIf(t4 - t3, depth >= 4)
                    FROM (
                      SELECT arrayMap((b, c, d) -> 1 + (b != 0) + (c != 0) + (d != 0), T2, T3, T4) AS D, arrayReduce('max', D) AS depth,
                             indexOf(D, depth) AS best, E[best] AS t1, T2[best] AS t2, T3[best] AS t3, T4[best] AS t4
                      FROM (
                        SELECT E, T2, T3, arrayMap((a, p) -> if(p = 0, toUInt64(0), arrayFirst(x -> x > p AND x <= a + %2$s, S4)), E, T3) AS T4
                        FROM (
                          SELECT E, S4, T2, arrayMap((a, p) -> if(p = 0, toUInt64(0), arrayFirst(x -> x > p AND x <= a + %2$s, S3)), E, T2) AS T3
                          FROM (
                            SELECT E, S3, S4, arrayMap(a -> arrayFirst(x -> x > a AND x <= a + %2$s, S2), E) AS T2
                            FROM (
                              SELECT person,
                                     arraySort(groupArrayIf(t, event = 'page_viewed' AND t < %3$s)) AS E,
                                     arraySort(groupArrayIf(t, event = 'signup')) AS S2,
                                     arraySort(groupArrayIf(t, event = 'checkout_started')) AS S3,
                                     arraySort(groupArrayIf(t, event = 'purchase')) AS S4
                              FROM (%1$s)
                              GROUP BY person HAVING notEmpty(E))
                            WHERE length(S2) >= 0)
                          WHERE length(S3) >= 0)
                        WHERE length(S4) >= 0))""".formatted(events, WINDOW_MICROS, TO_MICROS)).get(0);
            List<String> values = new ArrayList<>();
            for (int i = 0; i < row.size(); i++) {
                // the gaps are microseconds
                values.add(i < 4 || row.get(i).equals("nan") ? row.get(i) : Double.toString(Double.parseDouble(row.get(i)) / 1e6));
            }
            return funnelAnswer(values);
        }

        @Override
        public String retention() {
            Map<LocalDate, long[]> cohorts = new TreeMap<>();
            for (List<String> row : client.select("""
                    SELECT w, count(), sumForEach([%2$s]) FROM (
                      SELECT w, arrayFilter(k -> k >= 0 AND k <= 11, arrayMap((lw, lt) -> if(lw > cw OR (lw = cw AND lt >= s), lw - cw, -1), LW, LT)) AS ks
                      FROM (
                        SELECT person, min(if(event = 'signup', t, toUInt64(-1))) AS s, toMonday(toDateTime(intDiv(s, 1000000), 'UTC')) AS w,
                               toInt64(intDiv(toRelativeDayNum(w), 7)) AS cw,
                               groupArrayIf(toInt64(intDiv(toRelativeDayNum(toMonday(toDateTime(intDiv(t, 1000000), 'UTC'))), 7)), event = 'login') AS LW,
                               groupArrayIf(t, event = 'login') AS LT
                        FROM (%1$s)
                        GROUP BY person
                        HAVING s != toUInt64(-1) AND w >= toDate('2026-08-03') AND w < toDate('2026-10-26'))
                      WHERE cw >= 0 AND s >= 0)
                    GROUP BY w""".formatted(people("event IN ('signup', 'login')"), weekFlags()))) {
                long[] cohort = cohorts.computeIfAbsent(LocalDate.parse(row.get(0)), w -> new long[13]);
                cohort[0] = Long.parseLong(row.get(1));
                String[] retained = row.get(2).replaceAll("[\\[\\]]", "").split(",");
                for (int k = 0; k < retained.length && !retained[k].isEmpty(); k++) {
                    cohort[k + 1] = Long.parseLong(retained[k]);
                }
            }
            return retentionAnswer(cohorts);
        }
    }

    /** {@code toUInt64(has(ks, 0)), ..., toUInt64(has(ks, 11))}: whether the person came back in each week. */
    private static String weekFlags() {
        StringJoiner flags = new StringJoiner(", ");
        for (int k = 0; k <= 11; k++) {
            flags.add("toUInt64(has(ks, " + k + "))");
        }
        return flags.toString();
    }

    /** From four counts, then (median, average) seconds for steps 2 to 4; a missing value (no one there) is 0. */
    private static String funnelAnswer(List<String> values) {
        List<FunnelStepResult> steps = new ArrayList<>();
        for (int k = 0; k < 4; k++) {
            double median = k == 0 ? 0 : number(values.get(4 + 2 * (k - 1)));
            double average = k == 0 ? 0 : number(values.get(5 + 2 * (k - 1)));
            steps.add(new FunnelStepResult(Long.parseLong(values.get(k)), median, average));
        }
        return Answers.funnel(steps);
    }

    private static double number(String value) {
        return value.equals("nan") ? 0 : Double.parseDouble(value);
    }

    /** Per cohort week: [size, retained in week 0, ..., retained in week 11]. */
    private static String retentionAnswer(Map<LocalDate, long[]> cohorts) {
        List<Cohort> rows = new ArrayList<>();
        cohorts.forEach((week, counts) -> {
            List<Long> retained = new ArrayList<>();
            for (int k = 1; k < counts.length; k++) {
                retained.add(counts[k]);
            }
            rows.add(new Cohort(week.atStartOfDay(), counts[0], retained));
        });
        return Answers.retention(rows);
    }

    static String describeDifference(String ours, String theirs) {
        StringJoiner text = new StringJoiner("\n");
        text.add("Tally:").add(ours).add("hand-written SQL:").add(theirs);
        return text.toString();
    }
}
