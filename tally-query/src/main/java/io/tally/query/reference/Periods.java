package io.tally.query.reference;

import io.tally.core.query.Interval;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.List;

/**
 * Local calendar periods of docs/queries.md: "A bucket is labelled by its local start time", so a
 * period is identified by that label. Working with local labels makes the autumn hour one bucket
 * ("both instants belong to the one bucket with that label") and days 23 or 25 hours long for free.
 */
final class Periods {
    private Periods() {
    }

    /** The label of the period that holds {@code instant}. */
    static LocalDateTime label(Instant instant, Interval interval, ZoneId zone) {
        LocalDateTime local = LocalDateTime.ofInstant(instant, zone);
        return switch (interval) {
            // "in zones with 30- or 45-minute offsets it is still the local hour"
            case HOUR -> local.truncatedTo(ChronoUnit.HOURS);
            case DAY -> local.toLocalDate().atStartOfDay();
            // "a week starts on Monday (ISO)"
            case WEEK -> local.toLocalDate().with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY)).atStartOfDay();
            case MONTH -> local.toLocalDate().withDayOfMonth(1).atStartOfDay();
        };
    }

    /** The label {@code count} periods after {@code label} (days, weeks, months; retention's P + j). */
    static LocalDateTime plus(LocalDateTime label, Interval interval, int count) {
        return switch (interval) {
            case HOUR -> throw new IllegalArgumentException("local hours are not counted forward: some labels do not exist");
            case DAY -> label.plusDays(count);
            case WEEK -> label.plusWeeks(count);
            case MONTH -> label.plusMonths(count);
        };
    }

    /** "The cohorts are the local periods that overlap [from, to), in order." */
    static List<LocalDateTime> overlapping(Instant from, Instant to, Interval interval, ZoneId zone) {
        List<LocalDateTime> labels = new ArrayList<>();
        LocalDateTime label = label(from, interval, zone);
        // a period [start, next start) overlaps the range when it starts before to (the first one holds from)
        while (label.atZone(zone).toInstant().isBefore(to)) {
            labels.add(label);
            label = plus(label, interval, 1);
        }
        return labels;
    }
}
