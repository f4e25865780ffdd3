package io.tally.store.duckdb;

import io.tally.core.query.Interval;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.List;

/**
 * Local calendar periods (docs/queries.md, "Periods"). Stored timestamps are UTC; DuckDB's ICU
 * {@code timezone(zone, ts::TIMESTAMPTZ)} turns them into local wall-clock time, and truncating that
 * cuts local hours, days (23 or 25 hours long on DST changes), Monday weeks and months. Grouping by
 * the local label puts both instants of the repeated autumn hour in one bucket, as the docs ask.
 *
 * <p>Retention counts periods forward ("period P + j"), so a period also has an integer index: days
 * since Monday 1970-01-05, weeks since then, or months since January 1970. The same numbering is done
 * in SQL for rows and in Java for the cohort labels.
 */
final class DuckDbPeriods {
    /** A Monday, so that week indexes are whole multiples of seven days from it. */
    private static final LocalDate EPOCH_MONDAY = LocalDate.of(1970, 1, 5);

    private DuckDbPeriods() {
    }

    /**
     * The local wall-clock time of a TIMESTAMP column holding UTC. A zone with a fixed offset (UTC,
     * {@code +05:30}) is plain arithmetic: DuckDB's ICU knows no offset ids but {@code Etc/GMT±h}.
     */
    static void localTime(SqlWriter w, ZoneId zone, String column) {
        if (zone.normalized() instanceof ZoneOffset offset) {
            w.sql("(" + column + " + to_seconds(").value((long) offset.getTotalSeconds()).sql("))");
            return;
        }
        w.sql("timezone(").value(zone.getId()).sql(", " + column + "::TIMESTAMPTZ)");
    }

    /** The label (local start) of the period holding a UTC TIMESTAMP column. */
    static void label(SqlWriter w, Interval interval, ZoneId zone, String column) {
        w.sql("date_trunc('" + unit(interval) + "', ");
        localTime(w, zone, column);
        w.sql(")");
    }

    /** The index of the period holding a UTC TIMESTAMP column, as a BIGINT. */
    static void index(SqlWriter w, Interval interval, ZoneId zone, String column) {
        switch (interval) {
            case DAY -> {
                w.sql("date_diff('day', DATE '1970-01-05', CAST(");
                localTime(w, zone, column);
                w.sql(" AS DATE))");
            }
            case WEEK -> {
                // whole weeks: the truncated date is a Monday, so the division is exact
                w.sql("(date_diff('day', DATE '1970-01-05', CAST(date_trunc('week', ");
                localTime(w, zone, column);
                w.sql(") AS DATE)) // 7)");
            }
            case MONTH -> {
                w.sql("list_transform([");
                localTime(w, zone, column);
                w.sql("], lambda l: (year(l) - 1970) * 12 + month(l) - 1)[1]");
            }
            case HOUR -> throw new IllegalArgumentException("hours are not counted as periods");
        }
    }

    /** The index of the period a label starts (the Java side of {@link #index(SqlWriter, Interval, ZoneId, String)}). */
    static long index(LocalDateTime label, Interval interval) {
        LocalDate date = label.toLocalDate();
        return switch (interval) {
            case DAY -> ChronoUnit.DAYS.between(EPOCH_MONDAY, date);
            case WEEK -> Math.floorDiv(ChronoUnit.DAYS.between(EPOCH_MONDAY, date), 7);
            case MONTH -> (date.getYear() - 1970L) * 12 + date.getMonthValue() - 1;
            case HOUR -> throw new IllegalArgumentException("hours are not counted as periods");
        };
    }

    /** The label of the period holding {@code instant}. */
    static LocalDateTime label(Instant instant, Interval interval, ZoneId zone) {
        LocalDateTime local = LocalDateTime.ofInstant(instant, zone);
        return switch (interval) {
            case HOUR -> local.truncatedTo(ChronoUnit.HOURS);
            case DAY -> local.toLocalDate().atStartOfDay();
            case WEEK -> local.toLocalDate().with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY)).atStartOfDay();
            case MONTH -> local.toLocalDate().withDayOfMonth(1).atStartOfDay();
        };
    }

    /** The label {@code count} periods after {@code label}. */
    static LocalDateTime plus(LocalDateTime label, Interval interval, long count) {
        return switch (interval) {
            case DAY -> label.plusDays(count);
            case WEEK -> label.plusWeeks(count);
            case MONTH -> label.plusMonths(count);
            case HOUR -> throw new IllegalArgumentException("hours are not counted as periods");
        };
    }

    /** "The cohorts are the local periods that overlap [from, to), in order." */
    static List<LocalDateTime> overlapping(Instant from, Instant to, Interval interval, ZoneId zone) {
        List<LocalDateTime> labels = new ArrayList<>();
        LocalDateTime label = label(from, interval, zone);
        while (start(label, zone).isBefore(to)) {
            labels.add(label);
            label = plus(label, interval, 1);
        }
        return labels;
    }

    /** The first instant of the period a label starts (a label in a DST gap starts when the gap ends). */
    static Instant start(LocalDateTime label, ZoneId zone) {
        return label.atZone(zone).toInstant();
    }

    static String unit(Interval interval) {
        return switch (interval) {
            case HOUR -> "hour";
            case DAY -> "day";
            case WEEK -> "week";
            case MONTH -> "month";
        };
    }
}
