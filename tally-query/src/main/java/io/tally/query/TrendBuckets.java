package io.tally.query;

import static java.util.Objects.requireNonNull;

import io.tally.core.query.Interval;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * The buckets of a trend's range {@code [from, to)}: local calendar periods of docs/queries.md
 * ("Periods"), each identified by its local start time (its label), as engines key them.
 *
 * <p>Labels that no instant has are left out: the local hour skipped by the spring DST change is no
 * bucket, so that day has 23 hourly buckets. A repeated local hour is one label, so it is one bucket
 * holding both instants; that day has 24 hourly buckets (docs/queries.md, "Periods").
 */
record TrendBuckets(Interval interval, ZoneId zone, Instant from, Instant to, List<LocalDateTime> labels) {
    static final int MAX_BUCKETS = 5_000;

    TrendBuckets {
        requireNonNull(interval, "interval is null");
        requireNonNull(zone, "zone is null");
        requireNonNull(from, "from is null");
        requireNonNull(to, "to is null");
        labels = List.copyOf(labels);
    }

    /** Every bucket from the one holding {@code from} to the last one that starts before {@code to}. */
    static TrendBuckets of(Interval interval, ZoneId zone, Instant from, Instant to) {
        List<LocalDateTime> labels = new ArrayList<>();
        LocalDateTime label = truncate(LocalDateTime.ofInstant(from, zone), interval);
        // compared as instants: in the repeated autumn hour a local comparison would cut the range wrongly
        while (start(label, zone).isBefore(to)) {
            LocalDateTime next = plus(label, interval, 1);
            if (start(label, zone).isBefore(start(next, zone))) {
                checkSize(labels.size(), interval);
                labels.add(label);
            }
            label = next;
        }
        return new TrendBuckets(interval, zone, from, to, labels);
    }

    /**
     * The period {@code compare} sets next to this one: as many buckets, bucket {@code i} being the
     * bucket {@code size()} positions before bucket {@code i}, over the same part of those buckets.
     */
    TrendBuckets previous() {
        if (labels.isEmpty()) {
            return this;
        }
        return interval == Interval.HOUR ? previousHours() : previousCalendar();
    }

    /**
     * Days, weeks and months: the range shifted back by whole local periods, so March compares with
     * February and a 23-hour DST day with the whole local day before.
     */
    private TrendBuckets previousCalendar() {
        int n = labels.size();
        List<LocalDateTime> previous = new ArrayList<>(n);
        for (LocalDateTime label : labels) {
            previous.add(plus(label, interval, -n));
        }
        return new TrendBuckets(interval, zone, minus(from, n), minus(to, n), previous);
    }

    /**
     * Hours: the {@code n} hourly buckets just before this period. Local hours cannot be counted back
     * by arithmetic (some do not exist, one is two hours long), so they are walked back one by one.
     * The range starts as far into the first of them as {@code from} is into this period's first
     * bucket, and ends as far into the last of them as {@code to} is into this period's last.
     */
    private TrendBuckets previousHours() {
        int n = labels.size();
        List<LocalDateTime> previous = new ArrayList<>(n);
        LocalDateTime label = labels.get(0);
        for (int i = 0; i < n; i++) {
            label = truncate(LocalDateTime.ofInstant(start(label, zone).minusNanos(1), zone), interval);
            previous.add(label);
        }
        Collections.reverse(previous);
        Instant previousFrom = into(previous, 0, Duration.between(start(labels.get(0), zone), from));
        Instant previousTo = into(previous, n - 1, Duration.between(start(labels.get(n - 1), zone), to));
        return new TrendBuckets(interval, zone, previousFrom, previousTo, previous);
    }

    /** The instant {@code offset} into hourly bucket {@code i} of {@code hours}, at most its end. */
    private Instant into(List<LocalDateTime> hours, int i, Duration offset) {
        Instant end = i + 1 < hours.size() ? start(hours.get(i + 1), zone) : start(labels.get(0), zone);
        Instant at = start(hours.get(i), zone).plus(offset);
        return at.isBefore(end) ? at : end;
    }

    /** An instant moved back by whole local periods, keeping its local time of day where it exists. */
    private Instant minus(Instant instant, int count) {
        ZonedDateTime local = instant.atZone(zone);
        ZonedDateTime shifted = switch (interval) {
            case DAY -> local.minusDays(count);
            case WEEK -> local.minusWeeks(count);
            case MONTH -> local.minusMonths(count);
            case HOUR -> throw new IllegalArgumentException("local hours are not counted back by arithmetic");
        };
        return shifted.toInstant();
    }

    int size() {
        return labels.size();
    }

    /** Each bucket's first instant, with the offset in force then. */
    List<OffsetDateTime> times() {
        List<OffsetDateTime> times = new ArrayList<>(labels.size());
        for (LocalDateTime label : labels) {
            times.add(ZonedDateTime.ofLocal(label, zone, null).toOffsetDateTime());
        }
        return times;
    }

    /** The value of every bucket, in order: an engine leaves out buckets without events, which are 0. */
    List<Double> fill(Map<LocalDateTime, Double> values) {
        List<Double> filled = new ArrayList<>(labels.size());
        for (LocalDateTime label : labels) {
            filled.add(values.getOrDefault(label, 0.0));
        }
        return filled;
    }

    /**
     * The first instant of a label: the earlier one of a repeated local time, the end of the gap for a
     * skipped one (so a skipped hour starts when the next one does, and has no instant).
     */
    private static Instant start(LocalDateTime label, ZoneId zone) {
        return ZonedDateTime.ofLocal(label, zone, null).toInstant();
    }

    private static void checkSize(int size, Interval interval) {
        if (size == MAX_BUCKETS) {
            throw QueryParser.invalid("interval", "the range has more than " + MAX_BUCKETS
                    + " " + interval.wireName() + " buckets; use a larger interval or a shorter range");
        }
    }

    static LocalDateTime truncate(LocalDateTime t, Interval interval) {
        return switch (interval) {
            case HOUR -> t.truncatedTo(ChronoUnit.HOURS);
            case DAY -> t.truncatedTo(ChronoUnit.DAYS);
            case WEEK -> t.truncatedTo(ChronoUnit.DAYS).with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
            case MONTH -> t.truncatedTo(ChronoUnit.DAYS).withDayOfMonth(1);
        };
    }

    private static LocalDateTime plus(LocalDateTime label, Interval interval, long count) {
        return switch (interval) {
            case HOUR -> label.plusHours(count);
            case DAY -> label.plusDays(count);
            case WEEK -> label.plusWeeks(count);
            case MONTH -> label.plusMonths(count);
        };
    }
}
