package io.tally.testing;

import io.tally.core.query.Cohort;
import io.tally.core.query.FunnelStepResult;
import io.tally.core.query.SeriesMath;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Where a store's answer differs from the reference's, as readable lines (empty when they agree).
 *
 * <p>Answers are first brought to one form, because the SPI leaves some freedom: a missing bucket is 0
 * ("the caller fills them with zero"), so zero buckets and series without a non-zero bucket are
 * dropped, and a funnel breakdown value that nobody reached counts as absent. Counts must then be equal
 * exactly; sums, averages and funnel times (doubles computed in another order) within {@link #RELATIVE}.
 */
final class AnswerDifferences {
    static final double RELATIVE = 1e-9;

    private AnswerDifferences() {
    }

    static List<String> trend(SeriesMath math, Map<String, Map<LocalDateTime, Double>> expected, Map<String, Map<LocalDateTime, Double>> actual) {
        boolean exact = math != SeriesMath.SUM && math != SeriesMath.AVG;
        Map<String, Map<LocalDateTime, Double>> want = nonZero(expected);
        Map<String, Map<LocalDateTime, Double>> got = nonZero(actual);
        List<String> differences = new ArrayList<>();
        for (String series : union(want.keySet(), got.keySet())) {
            Map<LocalDateTime, Double> w = want.getOrDefault(series, Map.of());
            Map<LocalDateTime, Double> g = got.getOrDefault(series, Map.of());
            for (LocalDateTime bucket : union(w.keySet(), g.keySet())) {
                double a = w.getOrDefault(bucket, 0.0);
                double b = g.getOrDefault(bucket, 0.0);
                if (exact ? a != b : !close(a, b)) {
                    differences.add("series '" + series + "' bucket " + bucket + ": expected " + a + " but was " + b);
                }
            }
        }
        return differences;
    }

    static List<String> funnel(int steps, Map<String, List<FunnelStepResult>> expected, Map<String, List<FunnelStepResult>> actual) {
        Map<String, List<FunnelStepResult>> want = reached(steps, expected);
        Map<String, List<FunnelStepResult>> got = reached(steps, actual);
        List<FunnelStepResult> nobody = new ArrayList<>();
        for (int i = 0; i < steps; i++) {
            nobody.add(new FunnelStepResult(0, 0, 0));
        }
        List<String> differences = new ArrayList<>();
        for (String value : union(want.keySet(), got.keySet())) {
            List<FunnelStepResult> w = want.getOrDefault(value, nobody);
            List<FunnelStepResult> g = got.getOrDefault(value, nobody);
            if (g.size() != steps) {
                differences.add("breakdown '" + value + "': expected " + steps + " steps but was " + g.size() + ": " + g);
                continue;
            }
            for (int i = 0; i < steps; i++) {
                FunnelStepResult a = w.get(i);
                FunnelStepResult b = g.get(i);
                if (a.count() != b.count() || !close(a.medianSecondsFromPrevious(), b.medianSecondsFromPrevious())
                        || !close(a.averageSecondsFromPrevious(), b.averageSecondsFromPrevious())) {
                    differences.add("breakdown '" + value + "' step " + (i + 1) + ": expected " + a + " but was " + b);
                }
            }
        }
        return differences;
    }

    static List<String> retention(List<Cohort> expected, List<Cohort> actual) {
        List<String> differences = new ArrayList<>();
        for (int i = 0; i < Math.max(expected.size(), actual.size()); i++) {
            Cohort a = i < expected.size() ? expected.get(i) : null;
            Cohort b = i < actual.size() ? actual.get(i) : null;
            if (!Objects.equals(a, b)) {
                differences.add("cohort " + i + ": expected " + a + " but was " + b);
            }
        }
        return differences;
    }

    private static Map<String, Map<LocalDateTime, Double>> nonZero(Map<String, Map<LocalDateTime, Double>> answer) {
        Map<String, Map<LocalDateTime, Double>> result = new TreeMap<>();
        answer.forEach((series, buckets) -> buckets.forEach((bucket, value) -> {
            if (value != 0.0) {
                result.computeIfAbsent(series, k -> new TreeMap<>()).put(bucket, value);
            }
        }));
        return result;
    }

    /** The breakdown values someone reached, and any malformed ones, so that they get reported. */
    private static Map<String, List<FunnelStepResult>> reached(int steps, Map<String, List<FunnelStepResult>> answer) {
        Map<String, List<FunnelStepResult>> result = new TreeMap<>();
        answer.forEach((value, results) -> {
            if (results.size() != steps || results.stream().anyMatch(s -> s.count() != 0)) {
                result.put(value, results);
            }
        });
        return result;
    }

    private static boolean close(double a, double b) {
        return a == b || Math.abs(a - b) <= RELATIVE * Math.max(Math.abs(a), Math.abs(b));
    }

    private static <T extends Comparable<? super T>> Set<T> union(Set<T> a, Set<T> b) {
        Set<T> all = new TreeSet<>(a);
        all.addAll(b);
        return all;
    }
}
