package io.tally.bench;

import io.tally.core.query.Cohort;
import io.tally.core.query.FunnelStepResult;
import java.time.LocalDate;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;
import java.util.TreeMap;

/**
 * A benchmark question's answer written as text in one canonical form, so that Tally's answer and
 * the hand-written SQL's can be compared: a baseline only measures Tally's overhead if it answers the
 * same question. Zero counts are left out (Tally fills empty buckets and cohorts, SQL returns no row for
 * them); seconds are rounded to the millisecond, because the two sides divide microseconds differently.
 */
final class Answers {
    private Answers() {
    }

    /** Daily counts per breakdown value: one line "value day count" per non-zero bucket, sorted. */
    static String trend(Map<String, Map<LocalDate, Long>> countsByValue) {
        TreeMap<String, Long> lines = new TreeMap<>();
        countsByValue.forEach((value, byDay) -> byDay.forEach((day, count) -> {
            if (count != 0) {
                lines.put(value + " " + day, count);
            }
        }));
        StringJoiner text = new StringJoiner("\n");
        lines.forEach((key, count) -> text.add(key + " " + count));
        return text.toString();
    }

    /** Tally's trend: bucket values are whole counts for {@code total}. */
    static String trendOf(Map<String, Map<java.time.LocalDateTime, Double>> result) {
        Map<String, Map<LocalDate, Long>> counts = new TreeMap<>();
        result.forEach((value, buckets) -> buckets.forEach((start, count) ->
                counts.computeIfAbsent(value, v -> new TreeMap<>()).put(start.toLocalDate(), Math.round(count))));
        return trend(counts);
    }

    /** One line per step: people, median and average seconds from the previous step. */
    static String funnel(List<FunnelStepResult> steps) {
        StringJoiner text = new StringJoiner("\n");
        for (FunnelStepResult step : steps) {
            text.add(step.count() + " " + seconds(step.medianSecondsFromPrevious()) + " " + seconds(step.averageSecondsFromPrevious()));
        }
        return text.toString();
    }

    /** One line per non-empty cohort: its first day, its size, and the retained per period, trailing zeros dropped. */
    static String retention(List<Cohort> cohorts) {
        StringJoiner text = new StringJoiner("\n");
        for (Cohort cohort : cohorts) {
            if (cohort.size() == 0) {
                continue;
            }
            List<Long> retained = cohort.retained();
            int last = retained.size();
            while (last > 0 && retained.get(last - 1) == 0) {
                last--;
            }
            text.add(cohort.start().toLocalDate() + " " + cohort.size() + " " + retained.subList(0, last));
        }
        return text.toString();
    }

    private static String seconds(double seconds) {
        return String.format(Locale.ROOT, "%.3f", seconds);
    }
}
