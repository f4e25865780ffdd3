package io.tally.store.clickhouse;

import io.tally.core.query.Breakdown;
import io.tally.core.query.EventMatcher;
import io.tally.core.query.FunnelExclusion;
import io.tally.core.query.FunnelOrder;
import io.tally.core.query.FunnelSpec;
import io.tally.core.query.FunnelStepResult;
import io.tally.core.spi.QueryEngine;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;

/**
 * The SQL of a funnel (docs/queries.md, "Funnels"), computed entirely in ClickHouse.
 *
 * <p>What was chosen and why. {@code windowFunnel} is not used: on 18.16 it compares whole seconds, lets
 * a step follow the one before at an equal instant, and follows one chain per person rather than the
 * deepest of the greedy chains from every entry, so it does not give the documented answer. Walking
 * the chains in Java was the other candidate: ClickHouse would still filter, resolve people and group
 * each person's instants, and then ship every step event of the range to the JVM as JSON text (3 M
 * numbers for the busy range below). Instead the server finishes the walk with array functions and
 * returns one row per breakdown value. The query has four levels:
 * <ol>
 *   <li>the events of the range with their person ({@link ClickHousePeople}), their instant in
 *       microseconds ({@link ClickHouseTime#MICROS}) and, per step and exclusion, whether they match;</li>
 *   <li>per person, the sorted instants of the entries (with their breakdown values), of each step's
 *       events, of each exclusion's, and for strict funnels of all the person's events;</li>
 *   <li>per person, for every entry, the greedy chain as arrays aligned with the entries: {@code T2}
 *       holds each entry's step-2 instant (0 when none), {@code T3} the step-3 instant after that, and
 *       so on (ordered: see {@link #orderedSteps}; strict: each found with {@code arrayFirst} over
 *       sorted instants); then each chain's depth, the exclusions that discard it, and the best chain:
 *       deepest, then earliest entry (at one instant, the smaller breakdown value, because entries sort
 *       with their values);</li>
 *   <li>per breakdown value, counts and the median ({@code quantileExact(0.5)}, index floor(n/2)) and
 *       average of the gaps between steps over the best chains.</li>
 * </ol>
 *
 * <p>Measured on this 2-core machine while other jobs ran (a plain count of the same events took 20 to
 * 50 ms): 8.1 M events over a year, 100,000 people, a 4-step ordered funnel over 7 days with a 7-day
 * window, about 200,000 events read: 180-280 ms, plus about 25 ms for the link check; strict and
 * unordered 250-350 ms. On the query benchmark's 10 M events over 91 days (a 30-day 4-step funnel,
 * 2.6 M events read, 1.8 M entries, 173,000 people, a third of the events anonymous and linked): 3-4 s,
 * against 5-6 s for the hand-written {@code windowFunnel} query (which is not this question's answer);
 * before the changes described at {@link ClickHousePeople} and {@link #orderedSteps}, 10-12 s. The
 * target of 100 ms is not met on 18.16.
 *
 * <p>18.16 does not see a column that is used only inside a lambda nested in another lambda and
 * answers "Unknown identifier" (measured); level 3 therefore names those arrays once in its WHERE
 * clause, a condition that is always true.
 *
 * <p>A breakdown with more values than its limit needs the people per value at step 1 before it can
 * group the rest as {@code $other}; that is a second run with the kept values written into the SQL.
 */
final class ClickHouseFunnels {
    private ClickHouseFunnels() {
    }

    /**
     * The per-value results, grouping by {@code label}: the breakdown value itself, or
     * {@code if(value IN kept, value, '$other')} on the second run.
     */
    static String sql(FunnelSpec spec, Collection<String> kept, ClickHousePeople.Links links) {
        int n = spec.steps().size();
        String label = spec.breakdown() == null ? "''"
                : kept == null ? "entry_value"
                : "if(entry_value IN " + ClickHouseSql.literalList(kept) + ", entry_value, " + ClickHouseSql.literal(Breakdown.OTHER) + ")";
        StringJoiner select = new StringJoiner(", ");
        select.add(label + " AS series");
        for (int k = 1; k <= n; k++) {
            select.add("toString(countIf(depth >= " + k + "))");
        }
        for (int k = 2; k <= n; k++) {
            if (spec.order() == FunnelOrder.UNORDERED) {
                // "Unordered chains have no times between steps"
                select.add("'0'").add("'0'");
                continue;
            }
            String gap = "t" + k + " - t" + (k - 1);
            select.add("toString(if(countIf(depth >= " + k + ") = 0, 0, quantileExactIf(0.5)(" + gap + ", depth >= " + k + ")))");
            select.add("toString(if(countIf(depth >= " + k + ") = 0, 0, avgIf(" + gap + ", depth >= " + k + ")))");
        }
        return "SELECT " + select + " FROM (" + chains(spec, links) + ") WHERE depth > 0 GROUP BY series";
    }

    /** Level 3: one row per person with an entry: the depth of the best chain, its instants and entry value. */
    private static String chains(FunnelSpec spec, ClickHousePeople.Links links) {
        int n = spec.steps().size();
        long window = ClickHouseTime.micros(spec.window());
        StringJoiner select = new StringJoiner(",\n  ");
        if (spec.order() == FunnelOrder.UNORDERED) {
            // H_k: whether step k has an event in [entry, entry + window]; the depth is the leading run of ones
            StringJoiner hits = new StringJoiner(", ");
            for (int k = 1; k <= n; k++) {
                select.add("arrayMap(a -> arrayExists(x -> x >= a AND x <= a + " + window + ", S" + k + "), E) AS H" + k);
                hits.add("H" + k);
            }
            select.add("arrayMap((" + lambdaArgs("h", n) + ") -> indexOf([" + lambdaArgs("h", n) + ", 0], 0) - 1, " + hits + ") AS D");
        } else {
            StringJoiner later = new StringJoiner(", ");
            StringJoiner filled = new StringJoiner(" + ");
            for (int k = 2; k <= n; k++) {
                later.add("T" + k);
                filled.add("(" + "c" + k + " != 0)");
            }
            select.add("arrayMap((" + lambdaArgs("c", 2, n) + ") -> 1 + " + filled + ", " + later + ") AS chain_depth");
            select.add(exclusions(spec) + " AS D");
        }
        select.add("arrayReduce('max', D) AS depth");
        select.add("indexOf(D, depth) AS best");
        select.add("E[best] AS t1");
        if (spec.order() != FunnelOrder.UNORDERED) {
            for (int k = 2; k <= n; k++) {
                select.add("T" + k + "[best] AS t" + k);
            }
        }
        select.add(spec.breakdown() == null ? "'' AS entry_value" : "EV[best] AS entry_value");
        String source = switch (spec.order()) {
            case ORDERED -> orderedSteps(people(spec, links), n, window);
            case STRICT -> strictSteps(people(spec, links), n, window);
            case UNORDERED -> people(spec, links);
        };
        return "SELECT\n  " + select + "\nFROM (" + source + ")\nWHERE " + captured(spec);
    }

    /** Above every instant ({@link ClickHouseTime#MICROS} stays below 2^53 until the year 2255): "no step here". */
    private static final long NONE_YET = 1L << 62;

    /**
     * Ordered steps {@code T_k}, aligned with the entries {@code E}: the earliest step-k instant after
     * step k-1's, no later than the entry plus the window, 0 when none. Greedy chains share their tails:
     * after the step-2 instant x an entry reaches, its chain is the same as every other chain through x,
     * whatever the entry. So the chain after each step-2 instant is built once ({@code Y_k}, aligned with
     * {@code S2}), each entry then takes the one of its first step-2 instant after it, and the window cuts
     * it (the instants increase, so that cuts it at the right step).
     *
     * <p>Every "first instant of a list after each of these" is {@link #fillNext}: sorts and running sums
     * over whole arrays, with no lambda that reads another array. The previous form, {@code arrayFirst}
     * over the step's instants inside {@code arrayMap} over the entries, made 18.16 copy the step's
     * array once per entry: on the query benchmark's 173,000 people with 1.8 M entries, this level took
     * 5.3 s that way and 3.1 s this way (measured on the grouped arrays alone).
     */
    private static String orderedSteps(String people, int n, long window) {
        String level = "SELECT *, arrayMap(x -> toInt64(x), E) AS Ei, arrayMap(x -> toInt64(x), S2) AS Yi2 FROM (" + people + ")";
        for (int k = 3; k <= n; k++) {
            // probes in ascending order with "none" last, as fillNext needs them
            String probes = k == 3 ? "Yi2" : "Yb" + (k - 1);
            StringJoiner fill = new StringJoiner(", ");
            fillNext(fill, "Y" + k, probes, "S" + k);
            fill.add("arrayMap(t -> if(t = 0, toInt64(" + NONE_YET + "), t), Y" + k + ") AS Yb" + k);
            level = stage(fill, level);
        }
        // one pass carries every Y_k from the step-2 instants to the entries: T_k is Y_k of the first
        // step-2 instant after the entry (Y_2 is that instant itself)
        StringJoiner merge = new StringJoiner(", ");
        StringJoiner deltas = new StringJoiner(", ");
        StringJoiner args = new StringJoiner(", ");
        StringJoiner zeros = new StringJoiner(", ");
        for (int k = 2; k <= n; k++) {
            merge.add("arrayReverse(" + (k == 2 ? "Yi2" : "Y" + k) + ") AS Yd" + k);
            merge.add(deltasOf("Yd" + k) + " AS Dd" + k);
            deltas.add("Dd" + k);
            args.add("d" + k);
            zeros.add("toInt64(0)");
        }
        merge.add("arraySort(arrayConcat(arrayMap((s, " + args + ") -> (-s, 1, " + args + "), Yd2, " + deltas + "),"
                + " arrayMap(p -> (-p, 0, " + zeros + "), Ei))) AS Merged");
        level = stage(merge, level);
        StringJoiner steps = new StringJoiner(", ");
        steps.add("arrayMap(m -> m.2 = 0, Merged) AS IsEntry");
        for (int k = 2; k <= n; k++) {
            steps.add("arrayReverse(arrayFilter((c, e) -> e, arrayCumSum(arrayMap(m -> m." + (k + 1) + ", Merged)), IsEntry)) AS R" + k);
            // "no later than t(e₁) + window (the window bound is inclusive)"
            steps.add("arrayMap((t, a) -> if(t != 0 AND t <= a + " + window + ", t, 0), R" + k + ", Ei) AS T" + k);
        }
        return stage(steps, level);
    }

    /**
     * One more SELECT around {@code level}. 18.16 writes every alias out as its expression while it
     * analyses a query, so arrays built from arrays of the same SELECT grow the query with every step
     * (a 4-step funnel took 130-200 ms to plan on an empty table in one SELECT, 80-100 ms with these,
     * and the arrayFirst form 40-55 ms); a subquery boundary stops that.
     */
    private static String stage(StringJoiner columns, String level) {
        return "SELECT *, " + columns + " FROM (" + level + ")";
    }

    /**
     * {@code name}: for each instant of {@code probes} (ascending), the first instant of {@code sources}
     * strictly after it, 0 when none. Walking all of them from the latest down, the answer for a probe is
     * the last source passed; a running sum of the differences between successive sources is that value,
     * and at equal instants the probe comes first, so that a source at its own instant is not after it.
     */
    private static void fillNext(StringJoiner select, String name, String probes, String sources) {
        select.add("arrayReverseSort(arrayMap(x -> toInt64(x), " + sources + ")) AS " + name + "s");
        select.add(deltasOf(name + "s") + " AS " + name + "d");
        select.add("arraySort(arrayConcat(arrayMap((s, d) -> (-s, 1, d), " + name + "s, " + name + "d), arrayMap(p -> (-p, 0, toInt64(0)), "
                + probes + "))) AS " + name + "m");
        select.add("arrayReverse(arrayFilter((c, m) -> m.2 = 0, arrayCumSum(arrayMap(m -> m.3, " + name + "m)), " + name + "m)) AS " + name);
    }

    /** The first value, then each value minus the one before: running sums of these give the values back. */
    private static String deltasOf(String array) {
        return "arrayPopFront(arrayDifference(arrayPushFront(" + array + ", toInt64(0))))";
    }

    /**
     * The strict steps {@code T_2..T_n}, one {@link #stage} each: {@code T_k} reads {@code T_(k-1)}, and
     * in one SELECT 18.16 would write every one out inside the next, so a 20-step funnel exceeded
     * its limit of 500,000 elements after that expansion ("AST is too big", measured). Each stage names
     * the arrays its nested lambdas read (see the class comment).
     */
    private static String strictSteps(String people, int n, long window) {
        String level = people;
        for (int k = 2; k <= n; k++) {
            level = "SELECT *, " + strictStep(k, window) + " AS T" + k + " FROM (" + level + ") WHERE length(S" + k + ") + length(A) >= 0";
        }
        return level;
    }

    /**
     * {@code T_k} of a strict funnel (ordered ones: {@link #orderedSteps}): per entry {@code a}, given
     * step k-1's instant {@code p}, the person's next instant after {@code p} (any event), if a step-k
     * event is at that instant and within the window.
     */
    private static String strictStep(int k, long window) {
        String previous = k == 2 ? "E" : "T" + (k - 1);
        String after = "if(has(S" + k + ", arrayFirst(x -> x > p, A)) AND arrayFirst(x -> x > p, A) <= a + " + window
                + ", arrayFirst(x -> x > p, A), 0)";
        return "arrayMap((a, p) -> if(p = 0, toUInt64(0), " + after + "), E, " + previous + ")";
    }

    /**
     * The depth of each entry's chain, or 0 when an exclusion discards it: the chain reached
     * {@code toStep} and an exclusion event lies strictly between its {@code fromStep} and
     * {@code toStep} instants.
     */
    private static String exclusions(FunnelSpec spec) {
        if (spec.exclusions().isEmpty()) {
            return "chain_depth";
        }
        StringJoiner discarded = new StringJoiner(" OR ");
        List<String> arrays = new ArrayList<>();
        int i = 1;
        for (FunnelExclusion e : spec.exclusions()) {
            String from = "f" + i;
            String to = "g" + i;
            arrays.add(instants(e.fromStep()));
            arrays.add(instants(e.toStep()));
            discarded.add("(" + to + " != 0 AND arrayExists(x -> x > " + from + " AND x < " + to + ", X" + i + "))");
            i++;
        }
        StringJoiner args = new StringJoiner(", ");
        for (int j = 1; j <= spec.exclusions().size(); j++) {
            args.add("f" + j).add("g" + j);
        }
        return "arrayMap((d, " + args + ") -> if(" + discarded + ", 0, d), chain_depth, " + String.join(", ", arrays) + ")";
    }

    private static String instants(int step) {
        return step == 1 ? "E" : "T" + step;
    }

    /** See the class comment: every array a nested lambda reads, named once outside a lambda. */
    private static String captured(FunnelSpec spec) {
        StringJoiner lengths = new StringJoiner(" + ");
        for (int k = spec.order() == FunnelOrder.UNORDERED ? 1 : 2; k <= spec.steps().size(); k++) {
            lengths.add("length(S" + k + ")");
        }
        for (int i = 1; i <= spec.exclusions().size(); i++) {
            lengths.add("length(X" + i + ")");
        }
        if (spec.order() == FunnelOrder.STRICT) {
            lengths.add("length(A)");
        }
        return lengths + " >= 0";
    }

    /**
     * Level 2: per person, {@code E} the sorted entry instants (with {@code EV}, their breakdown values,
     * sorted along: at equal instants the smaller value comes first and wins), {@code S_k} the sorted
     * instants of step k, {@code X_i} of exclusion i, and for strict funnels {@code A}, all of the
     * person's instants.
     */
    private static String people(FunnelSpec spec, ClickHousePeople.Links links) {
        int n = spec.steps().size();
        String entry = spec.order() == FunnelOrder.UNORDERED ? anyStep(n) : "m1";
        String inRange = "t >= " + ClickHouseTime.micros(spec.from()) + " AND t < " + ClickHouseTime.micros(spec.to());
        StringJoiner select = new StringJoiner(",\n    ");
        if (spec.breakdown() == null) {
            select.add("arraySort(groupArrayIf(t, " + entry + " AND " + inRange + ")) AS E");
        } else {
            select.add("arraySort(groupArrayIf((t, entry_value), " + entry + " AND " + inRange + ")) AS entries");
            select.add("arrayMap(e -> e.1, entries) AS E");
            select.add("arrayMap(e -> e.2, entries) AS EV");
        }
        // ordered and strict chains take step 1 from the entries only
        int firstStep = spec.order() == FunnelOrder.UNORDERED ? 1 : 2;
        for (int k = firstStep; k <= n; k++) {
            select.add("arraySort(groupArrayIf(t, m" + k + ")) AS S" + k);
        }
        for (int i = 1; i <= spec.exclusions().size(); i++) {
            select.add("arraySort(groupArrayIf(t, x" + i + ")) AS X" + i);
        }
        if (spec.order() == FunnelOrder.STRICT) {
            select.add("arraySort(groupArray(t)) AS A");
        }
        return "SELECT\n    " + select + "\n  FROM (" + events(spec, links) + ")\n  GROUP BY person HAVING notEmpty(E)";
    }

    private static String anyStep(int n) {
        StringJoiner any = new StringJoiner(" OR ", "(", ")");
        for (int k = 1; k <= n; k++) {
            any.add("m" + k);
        }
        return any.toString();
    }

    /**
     * Level 1: the events that can take part, from the first entry to the last instant a chain can
     * reach ({@code to} + window, inclusive), with their person. A strict funnel reads every event of
     * the span, whatever its name and filters, because any event between two steps breaks the chain.
     */
    private static String events(FunnelSpec spec, ClickHousePeople.Links links) {
        int n = spec.steps().size();
        StringJoiner names = new StringJoiner(", ");
        StringJoiner select = new StringJoiner(", ");
        select.add(ClickHouseTime.MICROS + " AS t");
        names.add("t");
        if (spec.breakdown() != null) {
            select.add(ClickHouseFilters.value(spec.breakdown().property()).orNone() + " AS entry_value");
            names.add("entry_value");
        }
        for (int k = 1; k <= n; k++) {
            select.add("materialize(" + ClickHouseFilters.matches(spec.steps().get(k - 1), spec.filters()) + ") AS m" + k);
            names.add("m" + k);
        }
        for (int i = 1; i <= spec.exclusions().size(); i++) {
            select.add("materialize(" + ClickHouseFilters.matches(spec.exclusions().get(i - 1).matcher(), spec.filters()) + ") AS x" + i);
            names.add("x" + i);
        }
        return ClickHousePeople.resolve(spec.project(), select.toString(), names.toString(), where(spec), links);
    }

    /** Which events level 1 reads. */
    static String where(FunnelSpec spec) {
        List<String> where = new ArrayList<>();
        where.add("project = " + ClickHouseSql.literal(spec.project()));
        where.add(ClickHouseTime.seconds(spec.from(), spec.to().plus(spec.window())));
        if (spec.order() != FunnelOrder.STRICT) {
            Set<String> names = new LinkedHashSet<>();
            StringJoiner any = new StringJoiner(" OR ");
            for (EventMatcher step : spec.steps()) {
                names.add(step.event());
                any.add("(" + ClickHouseFilters.matches(step, spec.filters()) + ")");
            }
            for (FunnelExclusion e : spec.exclusions()) {
                names.add(e.matcher().event());
                any.add("(" + ClickHouseFilters.matches(e.matcher(), spec.filters()) + ")");
            }
            where.add("event IN " + ClickHouseSql.literalList(names));
            where.add(any.toString());
        }
        return ClickHouseFilters.and(where);
    }

    private static String lambdaArgs(String prefix, int n) {
        return lambdaArgs(prefix, 1, n);
    }

    private static String lambdaArgs(String prefix, int first, int last) {
        StringJoiner args = new StringJoiner(", ");
        for (int k = first; k <= last; k++) {
            args.add(prefix + k);
        }
        return args.toString();
    }

    /** Per label, one result per step: counts, then (median, average) of each gap in microseconds. */
    static Map<String, List<FunnelStepResult>> read(FunnelSpec spec, List<List<String>> rows) {
        int n = spec.steps().size();
        Map<String, List<FunnelStepResult>> results = new LinkedHashMap<>();
        for (List<String> row : rows) {
            List<FunnelStepResult> steps = new ArrayList<>(n);
            for (int k = 1; k <= n; k++) {
                long count = Long.parseLong(row.get(k));
                double median = 0;
                double average = 0;
                if (k > 1) {
                    int at = n + 1 + 2 * (k - 2);
                    // microseconds to seconds, as the reference divides them
                    median = ClickHouseTrends.parseDouble(row.get(at)) / 1e6;
                    average = ClickHouseTrends.parseDouble(row.get(at + 1)) / 1e6;
                }
                steps.add(new FunnelStepResult(count, median, average));
            }
            results.put(row.get(0), List.copyOf(steps));
        }
        if (spec.breakdown() == null && results.isEmpty()) {
            List<FunnelStepResult> zeros = new ArrayList<>();
            for (int k = 0; k < n; k++) {
                zeros.add(new FunnelStepResult(0, 0, 0));
            }
            results.put(QueryEngine.NO_BREAKDOWN, List.copyOf(zeros));
        }
        return results;
    }

    /** The values to keep: most people at step 1 first, ties by the smaller text; null when all fit. */
    static List<String> kept(Map<String, List<FunnelStepResult>> byValue, int limit) {
        if (byValue.size() <= limit) {
            return null;
        }
        List<Map.Entry<String, List<FunnelStepResult>>> entries = new ArrayList<>(byValue.entrySet());
        entries.sort((x, y) -> {
            int byCount = Long.compare(y.getValue().get(0).count(), x.getValue().get(0).count());
            return byCount != 0 ? byCount : x.getKey().compareTo(y.getKey());
        });
        List<String> kept = new ArrayList<>(limit);
        for (int i = 0; i < limit; i++) {
            kept.add(entries.get(i).getKey());
        }
        return kept;
    }
}
