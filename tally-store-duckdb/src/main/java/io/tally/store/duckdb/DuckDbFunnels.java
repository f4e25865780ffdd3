package io.tally.store.duckdb;

import io.tally.core.query.Breakdown;
import io.tally.core.query.EventMatcher;
import io.tally.core.query.FunnelExclusion;
import io.tally.core.query.FunnelOrder;
import io.tally.core.query.FunnelSpec;
import io.tally.core.query.FunnelStepResult;
import io.tally.core.spi.QueryEngine;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Funnels (docs/queries.md, "Funnels"), computed entirely in DuckDB; one row per breakdown value comes
 * back.
 *
 * <p>The plan: select the events that can fill a step or break a chain in {@code [from, to + window)},
 * with a flag per step and exclusion, each resolved to its person (see {@link DuckDbPeople}); build
 * the chain of every entry, one step at a time (per order, see the methods below); drop the chains an
 * exclusion breaks; keep each person's best chain; rank the breakdown values; and aggregate. Times are
 * whole microseconds since the epoch (BIGINT).
 *
 * <p>Why SQL rather than a chain walk in Java over the person's events in time order (which the walk
 * itself would do in a few milliseconds): handing the rows to Java is what costs. Measured on this
 * 2-core machine with a 4-step ordered funnel, 7 days plus a 7-day window, over 10 M events: where
 * 3.1 M events fall in that span, DuckDB's JDBC driver needs about 0.4 s just to hand them over, and
 * sort, transfer and walk took 2.3 to 2.7 s against 0.9 to 1.3 s here; where 0.26 M do, both took
 * about the same. Within SQL, see {@link #orderedChains} for how ordered chains are built and what
 * was measured against what; per-person lists with lambdas were slower than any of those.
 */
final class DuckDbFunnels {
    private DuckDbFunnels() {
    }

    /**
     * One row per breakdown value: the value, then per step its count, and for steps after the first
     * the upper median and the average of the seconds from the previous step.
     */
    static SqlWriter sql(FunnelSpec spec, HotColumns hot) {
        long from = Micros.ceil(spec.from(), "from");
        long to = Micros.ceil(spec.to(), "to");
        long window = Micros.window(spec.window());
        long end = Micros.plus(to, window);
        SqlWriter w = new SqlWriter(hot);
        w.sql("WITH ");
        DuckDbPeople.linkCte(w, spec.project());
        selectRows(w, spec, from, to, end);
        String chains = switch (spec.order()) {
            case ORDERED -> orderedChains(w, spec, from, to, window);
            case STRICT -> strictChains(w, spec, from, to, window);
            case UNORDERED -> unorderedChains(w, spec, from, to, window);
        };
        best(w, spec, chains);
        return w;
    }

    /**
     * {@code ev}: the events that can fill a step or break a chain, by person, with their time, flags
     * {@code m1..mN} (steps) and {@code x1..xE} (exclusions), and the breakdown value of those that can
     * be an entry.
     */
    private static void selectRows(SqlWriter w, FunnelSpec spec, long from, long to, long end) {
        // strict funnels keep every event of the person: the ones that fill no step still break a chain
        boolean everyEvent = spec.order() == FunnelOrder.STRICT;
        w.sql(", ev AS MATERIALIZED (SELECT " + DuckDbPeople.PERSON + " AS person, epoch_us(e.timestamp) AS t");
        for (int k = 0; k < spec.steps().size(); k++) {
            w.sql(", ");
            flag(w, spec.steps().get(k), spec, everyEvent);
            w.sql(" AS m" + (k + 1));
        }
        for (int j = 0; j < spec.exclusions().size(); j++) {
            w.sql(", ");
            flag(w, spec.exclusions().get(j).matcher(), spec, everyEvent);
            w.sql(" AS x" + (j + 1));
        }
        w.sql(", ");
        if (spec.breakdown() == null) {
            w.sql("''");
        } else {
            // "the property's value on the person's entry event"; worked out only where an entry can be
            w.sql("CASE WHEN list_contains(").list(entryNames(spec)).sql(", event) AND e.timestamp >= ").value(Micros.timestamp(from))
                    .sql(" AND e.timestamp < ").value(Micros.timestamp(to)).sql(" THEN coalesce(");
            DuckDbProperties.text(w, spec.breakdown().property());
            w.sql(", ").value(Breakdown.NONE).sql(") END");
        }
        w.sql(" AS bd FROM " + DuckDbPeople.JOIN + " WHERE e.project = ").value(spec.project())
                .sql(" AND e.timestamp >= ").value(Micros.timestamp(from))
                .sql(" AND e.timestamp < ").value(Micros.timestamp(end));
        if (!everyEvent) {
            // list_contains, not IN: DuckDB turns IN into ORs, measured 5x slower on 10 M rows
            w.sql(" AND list_contains(").list(names(spec)).sql(", event) AND ");
            // "the query's filters apply to every step and exclusion"
            DuckDbFilters.all(w, spec.filters());
        }
        w.sql(")");
    }

    /** Whether a row is an event of the matcher; with {@code withFilters} the query's filters are part of it. */
    private static void flag(SqlWriter w, EventMatcher matcher, FunnelSpec spec, boolean withFilters) {
        DuckDbFilters.matcher(w, matcher);
        if (withFilters) {
            w.sql(" AND ");
            DuckDbFilters.all(w, spec.filters());
        }
    }

    /**
     * Ordered: "step i+1 is the earliest event matching step i+1 strictly after step i's event and no
     * later than t(e₁) + window". Greedy chains share their tails: from step 2 on, a chain depends on
     * its entry only through its step-2 event x (the person's first step-2 event after the entry) and
     * the window's end. So the chain after each step-2 event is built once, without a window, as the
     * skeleton {@code sk}: t3 is the first step-3 event after x, t4 the first step-4 event after t3,
     * and so on. An entry then finds its x, and with it the skeleton, and keeps the steps that lie no
     * later than t(e₁) + window (the skeleton's times increase, so that cuts it at the right step).
     *
     * <p>"The first step-k event after a time a" is found by an equality join on the person plus a
     * range: each step-k event y of the person, with the person's previous step-k time p before it,
     * stands for the times a with p ≤ a &lt; y, and those ranges do not overlap, so each lookup
     * matches one row and needs no grouping. Events at one time make empty ranges after the first.
     *
     * <p>Measured on this 2-core machine against the previous plan, which joined every chain to all of
     * its person's step events within the window and grouped back per chain for each step: on 10 M
     * events where 1.8 M page views are entries (a 30-day funnel whose first step is the commonest
     * event, one person owning 5,000 of those entries), 1.6-1.8 s instead of 3.4-4.1 s; on 10 M events
     * over a year with a 7-day range (27,000 entries), 95-105 ms instead of 75-90 ms. An ASOF join per
     * step and window functions were measured too and were slower than both here.
     *
     * @return the name of the CTE of chains (person, bd, t1..tN, depth)
     */
    private static String orderedChains(SqlWriter w, FunnelSpec spec, long from, long to, long window) {
        int n = spec.steps().size();
        for (int k = 2; k <= n; k++) {
            w.sql(", s" + k + " AS (SELECT person, t, coalesce(lag(t) OVER (PARTITION BY person ORDER BY t), ").value(Long.MIN_VALUE)
                    .sql(") AS p FROM ev WHERE m" + k + ")");
        }
        w.sql(", sk AS (SELECT s2.person, s2.p, s2.t AS t2");
        for (int k = 3; k <= n; k++) {
            w.sql(", s" + k + ".t AS t" + k);
        }
        w.sql(" FROM s2");
        for (int k = 3; k <= n; k++) {
            String previous = "s" + (k - 1);
            String step = "s" + k;
            w.sql(" LEFT JOIN " + step + " ON " + step + ".person = " + previous + ".person AND " + previous + ".t >= " + step + ".p AND "
                    + previous + ".t < " + step + ".t");
        }
        w.sql(")");
        // every entry is its own chain: entries at one time build the same chain, and the best chain's
        // ordering (see best) then prefers the smaller breakdown value among them
        w.sql(", cn AS (SELECT e.person, e.t AS t1, e.bd");
        for (int k = 2; k <= n; k++) {
            // "no later than t(e₁) + window (the window bound is inclusive)"
            w.sql(", CASE WHEN sk.t" + k + " <= e.t + ").value(window).sql(" THEN sk.t" + k + " END AS t" + k);
        }
        w.sql(" FROM ev e LEFT JOIN sk ON sk.person = e.person AND e.t >= sk.p AND e.t < sk.t2 WHERE e.m1 AND e.t >= ").value(from)
                .sql(" AND e.t < ").value(to).sql(")");
        chains(w, spec, "cn");
        return "chains";
    }

    /**
     * Strict: as ordered, and "no event of that person — of any name, whether or not it passes the
     * filters — lies strictly between the two steps' times". So step i+1 can only be at the time of the
     * person's next event of any kind after step i: one window pass over all of the person's events in
     * the span gives that time for each, and each step is then an equality join.
     */
    private static String strictChains(SqlWriter w, FunnelSpec spec, long from, long to, long window) {
        int n = spec.steps().size();
        w.sql(", evn AS MATERIALIZED (SELECT *, min(t) OVER (PARTITION BY person ORDER BY t RANGE BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING)"
                + " AS nx FROM ev)");
        entries(w, spec, "evn", from, to, ", any_value(nx) AS n1");
        for (int k = 2; k <= n; k++) {
            w.sql(", c" + k + " AS (SELECT c.*, s.t AS t" + k + ", s.nx AS n" + k + " FROM c" + (k - 1)
                    + " c LEFT JOIN (SELECT DISTINCT person, t, nx FROM evn WHERE m" + k + ") s ON s.person = c.person AND s.t = c.n" + (k - 1)
                    + " AND s.t <= c.t1 + ").value(window).sql(")");
        }
        chains(w, spec, "c" + n);
        return "chains";
    }

    /**
     * {@code c1}: the entries in [from, to), one per person and time. Entries at one time build the same
     * chain; the smaller breakdown value stands for them, as in the reference, so that the answer does
     * not depend on the order events were stored in.
     */
    private static void entries(SqlWriter w, FunnelSpec spec, String rows, long from, long to, String more) {
        w.sql(", c1 AS (SELECT person, t AS t1, min(bd) AS bd" + more + " FROM " + rows + " WHERE m1 AND t >= ").value(from)
                .sql(" AND t < ").value(to).sql(" GROUP BY person, t)");
    }

    /** {@code chains}: the chains of {@code last} with their depth, less those an exclusion discards. */
    private static void chains(SqlWriter w, FunnelSpec spec, String last) {
        int n = spec.steps().size();
        w.sql(", chains AS (SELECT person, bd");
        for (int k = 1; k <= n; k++) {
            w.sql(", t" + k);
        }
        w.sql(", 1");
        for (int k = 2; k <= n; k++) {
            w.sql(" + CAST(t" + k + " IS NOT NULL AS INTEGER)");
        }
        w.sql(" AS depth FROM " + last + " c");
        for (int j = 1; j <= spec.exclusions().size(); j++) {
            FunnelExclusion exclusion = spec.exclusions().get(j - 1);
            // "a chain that reached toStep is discarded if an event matching the exclusion lies strictly
            // after its fromStep event and strictly before its toStep event"; short of toStep, the NULL
            // comparison finds nothing and the chain stays
            w.sql(j == 1 ? " WHERE " : " AND ");
            w.sql("NOT EXISTS (SELECT 1 FROM ev x WHERE x.x" + j + " AND x.person = c.person AND x.t > c.t" + exclusion.fromStep()
                    + " AND x.t < c.t" + exclusion.toStep() + ")");
        }
        w.sql(")");
    }

    /**
     * Unordered: from every event matching any step in [from, to) at t₀, step k is reached when steps
     * 1..k each have a matching event in [t₀, t₀ + window]. One window pass over the person's events
     * gives, for each event, the earliest event of every step at or after its time.
     */
    private static String unorderedChains(SqlWriter w, FunnelSpec spec, long from, long to, long window) {
        int n = spec.steps().size();
        w.sql(", firsts AS (SELECT person, t, bd, (");
        for (int k = 1; k <= n; k++) {
            w.sql((k > 1 ? " OR " : "") + "m" + k);
        }
        w.sql(") AS entry");
        for (int k = 1; k <= n; k++) {
            w.sql(", min(t) FILTER (WHERE m" + k + ") OVER later AS f" + k);
        }
        w.sql(" FROM ev WINDOW later AS (PARTITION BY person ORDER BY t RANGE BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING))");
        w.sql(", u AS (SELECT person, t AS t1, min(bd) AS bd");
        for (int k = 1; k <= n; k++) {
            w.sql(", coalesce(any_value(f" + k + ") <= t + ").value(window).sql(", FALSE) AS ok" + k);
        }
        w.sql(" FROM firsts WHERE entry AND t >= ").value(from).sql(" AND t < ").value(to).sql(" GROUP BY person, t)");
        w.sql(", chains AS (SELECT person, bd, t1, CASE");
        for (int k = 1; k <= n; k++) {
            w.sql(" WHEN NOT ok" + k + " THEN " + (k - 1));
        }
        // a chain that does not reach step 1 is no chain
        w.sql(" ELSE " + n + " END AS depth FROM u WHERE ok1)");
        return "chains";
    }

    /**
     * "A person's best chain is the one that reaches the deepest step; among equals, the one with the
     * earliest entry"; among chains from entries at one time (which are the same chain), the smaller
     * breakdown value, as in the reference. Then the breakdown ranking and the per-step aggregates.
     */
    private static void best(SqlWriter w, FunnelSpec spec, String chains) {
        int n = spec.steps().size();
        boolean timed = spec.order() != FunnelOrder.UNORDERED;
        w.sql(", best AS (SELECT arg_min({depth: depth, bd: bd");
        for (int k = 1; k <= (timed ? n : 1); k++) {
            w.sql(", t" + k + ": t" + k);
        }
        w.sql("}, {d: -depth, t: t1, bd: bd}) AS b FROM " + chains + " GROUP BY person)");
        w.sql(", flat AS (SELECT unnest(b) FROM best)");
        if (spec.breakdown() != null) {
            // "top limit values by number of people at step 1, ties by smaller text, the rest as $other"
            w.sql(", top AS (SELECT bd FROM flat GROUP BY bd ORDER BY count(*) DESC, bd LIMIT ").value(spec.breakdown().limit()).sql(")");
            w.sql(", grouped AS (SELECT CASE WHEN bd IN (SELECT bd FROM top) THEN bd ELSE ").value(Breakdown.OTHER)
                    .sql(" END AS series, * FROM flat)");
        } else {
            w.sql(", grouped AS (SELECT bd AS series, * FROM flat)");
        }
        w.sql(", totals AS (SELECT series");
        for (int k = 1; k <= n; k++) {
            w.sql(", count(*) FILTER (WHERE depth >= " + k + ") AS c" + k);
            if (timed && k > 1) {
                String seconds = "CAST(t" + k + " - t" + (k - 1) + " AS DOUBLE) / 1000000";
                w.sql(", list_sort(list(" + seconds + ") FILTER (WHERE depth >= " + k + ")) AS s" + k);
                w.sql(", avg(" + seconds + ") FILTER (WHERE depth >= " + k + ") AS a" + k);
            }
        }
        w.sql(" FROM grouped GROUP BY series) SELECT series");
        for (int k = 1; k <= n; k++) {
            w.sql(", c" + k);
            if (timed && k > 1) {
                // "the value at index floor(n/2) of the sorted times, i.e. the upper median"
                w.sql(", s" + k + "[len(s" + k + ") // 2 + 1], a" + k);
            } else {
                w.sql(", 0.0, 0.0");
            }
        }
        w.sql(" FROM totals");
    }

    /** Names of the events a funnel reads, each once. */
    private static List<String> names(FunnelSpec spec) {
        Set<String> names = new LinkedHashSet<>();
        for (EventMatcher step : spec.steps()) {
            names.add(step.event());
        }
        for (FunnelExclusion exclusion : spec.exclusions()) {
            names.add(exclusion.matcher().event());
        }
        return List.copyOf(names);
    }

    /** Names of the events that can be an entry: step 1's, or any step's when unordered. */
    private static List<String> entryNames(FunnelSpec spec) {
        if (spec.order() != FunnelOrder.UNORDERED) {
            return List.of(spec.steps().get(0).event());
        }
        Set<String> names = new LinkedHashSet<>();
        for (EventMatcher step : spec.steps()) {
            names.add(step.event());
        }
        return List.copyOf(names);
    }

    /** "both 0 for step 1 and when no one reached the step"; DuckDB's driver reads a NULL double as NaN. */
    private static double secondsOrZero(ResultSet rs, int column) throws SQLException {
        double seconds = rs.getDouble(column);
        return rs.wasNull() ? 0 : seconds;
    }

    /** Per breakdown value the steps; without a breakdown the one series, all zero when nobody entered. */
    static Map<String, List<FunnelStepResult>> read(FunnelSpec spec, ResultSet rs) throws SQLException {
        int n = spec.steps().size();
        Map<String, List<FunnelStepResult>> result = new HashMap<>();
        while (rs.next()) {
            List<FunnelStepResult> steps = new ArrayList<>(n);
            for (int k = 0; k < n; k++) {
                int column = 2 + 3 * k;
                steps.add(new FunnelStepResult(rs.getLong(column), secondsOrZero(rs, column + 1), secondsOrZero(rs, column + 2)));
            }
            result.put(rs.getString(1), List.copyOf(steps));
        }
        if (spec.breakdown() == null && result.isEmpty()) {
            List<FunnelStepResult> nobody = new ArrayList<>(n);
            for (int k = 0; k < n; k++) {
                nobody.add(new FunnelStepResult(0, 0, 0));
            }
            result.put(QueryEngine.NO_BREAKDOWN, List.copyOf(nobody));
        }
        return result;
    }
}
