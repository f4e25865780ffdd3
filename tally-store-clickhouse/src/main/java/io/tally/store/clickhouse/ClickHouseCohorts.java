package io.tally.store.clickhouse;

import io.tally.core.query.Cohort;
import io.tally.core.query.CohortType;
import io.tally.core.query.Interval;
import io.tally.core.query.RetentionSpec;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

/**
 * The SQL of a retention table (docs/queries.md, "Retention"), computed in ClickHouse.
 *
 * <p>Periods are numbered by ClickHouse's relative day, week (Monday-based) and month numbers of the
 * event's local date in the query's zone, so "period P + j" is plain arithmetic on those numbers. The
 * query has three parts: the cohort rows (person, period, the person's first start instant in it);
 * the person's return events as periods and instants (first-time cohorts get both from one pass over
 * the events, see {@link #firstTime}); and, per cohort row, which offsets {@code j} hold a return (for
 * {@code j = 0} one at or after the first start).
 * Summing those flags per cohort gives {@code retained}. The cohorts themselves, empty ones included,
 * are listed in Java from the zone's calendar.
 */
final class ClickHouseCohorts {
    private ClickHouseCohorts() {
    }

    /** The local periods of {@code spec.zone()} that overlap {@code [from, to)}, in order. */
    static List<LocalDate> periods(RetentionSpec spec) {
        List<LocalDate> periods = new ArrayList<>();
        LocalDate period = start(spec.period(), spec.from().atZone(spec.zone()).toLocalDate());
        while (instant(period, spec.zone()).isBefore(spec.to())) {
            periods.add(period);
            period = next(spec.period(), period, 1);
        }
        return periods;
    }

    static String sql(RetentionSpec spec, ClickHousePeople.Links links) {
        String zone = ClickHouseTime.zoneLiteral(spec.zone());
        int n = spec.periods();
        String members;
        if (spec.cohortType() == CohortType.FIRST_TIME) {
            members = firstTime(spec, zone, links);
        } else {
            String returns = "SELECT person, groupArray(rp) AS RP, groupArray(last) AS RL FROM ("
                    + "SELECT person, rp, max(t) AS last FROM ("
                    + ClickHousePeople.resolve(spec.project(), ClickHouseTime.MICROS + " AS t, " + returnPeriod(spec, zone) + " AS rp", "t, rp",
                            returnsWhere(spec), links)
                    + ") GROUP BY person, rp) GROUP BY person";
            members = "SELECT p, cohort, s, RP, RL FROM (" + recurring(spec, zone, links) + ") ANY LEFT JOIN (" + returns + ") USING person";
        }
        // for each return: its period's distance j from the cohort's period, or -1
        String offsets = "arrayMap((r, l) -> if(r >= p AND r <= p + " + n + " AND (r > p OR l >= s), toInt64(r) - toInt64(p), toInt64(-1)), RP, RL)";
        StringJoiner flags = new StringJoiner(", ", "[", "]");
        for (int j = 0; j <= n; j++) {
            flags.add("has(offsets, toInt64(" + j + "))");
        }
        // the lambda reads p and s, so they are named outside it too: see ClickHouseFunnels on 18.16's captures
        return "SELECT cohort, toString(count()), arrayStringConcat(arrayMap(x -> toString(x), sumForEach(flags)), ',') FROM ("
                + "SELECT cohort, " + offsets + " AS offsets, " + flags + " AS flags"
                + " FROM (" + members + ")"
                + " WHERE p >= 0 AND s >= 0"
                + ") GROUP BY cohort";
    }

    private static String returnPeriod(RetentionSpec spec, String zone) {
        return number(spec.period(), "toDate(timestamp, " + zone + ")");
    }

    /** Every event the query reads: start events and return events; see {@link ClickHousePeople#anonymousEventsSql}. */
    static String where(RetentionSpec spec) {
        return "(" + startsWhere(spec) + ") OR (" + returnsWhere(spec) + ")";
    }

    /** Return events count wherever they fall; only periods P + j of the cohorts' periods P matter. */
    private static String returnsWhere(RetentionSpec spec) {
        List<LocalDate> periods = periods(spec);
        Instant returnsFrom = instant(periods.get(0), spec.zone());
        Instant returnsTo = instant(next(spec.period(), periods.get(periods.size() - 1), spec.periods() + 1), spec.zone());
        return ClickHouseFilters.and(List.of(
                "project = " + ClickHouseSql.literal(spec.project()),
                ClickHouseTime.range(returnsFrom, returnsTo),
                ClickHouseFilters.matches(spec.returnEvent(), spec.filters())));
    }

    /**
     * First-time cohorts need every start event ever (the first one decides); recurring cohorts the
     * start events of the cohorts' whole periods, for the first start in each.
     */
    private static String startsWhere(RetentionSpec spec) {
        List<String> terms = new ArrayList<>();
        terms.add("project = " + ClickHouseSql.literal(spec.project()));
        if (spec.cohortType() == CohortType.RECURRING) {
            List<LocalDate> periods = periods(spec);
            terms.add(ClickHouseTime.range(instant(periods.get(0), spec.zone()),
                    instant(next(spec.period(), periods.get(periods.size() - 1), 1), spec.zone())));
        }
        terms.add(ClickHouseFilters.matches(spec.startEvent(), spec.filters()));
        return ClickHouseFilters.and(terms);
    }

    /**
     * "A person belongs to the cohort of the period that holds their first start event ever", if it lies
     * in {@code [from, to)}; with the person's return events (their periods and instants, one array
     * each). Start and return events are read, joined to their people and grouped in one pass: reading
     * them as two subqueries and joining those on the person took 8-9 s on the query benchmark's 12
     * weeks (2.8 M events), one pass 3.5 s (measured).
     */
    private static String firstTime(RetentionSpec spec, String zone, ClickHousePeople.Links links) {
        String localDate = "toDate(toDateTime(intDiv(s - 1, 1000000)), " + zone + ")";
        String columns = ClickHouseTime.MICROS + " AS t, materialize(" + startsWhere(spec) + ") AS is_start, materialize(" + returnsWhere(spec)
                + ") AS is_return, "
                + returnPeriod(spec, zone) + " AS rp";
        String rows = ClickHousePeople.resolve(spec.project(), columns, "t, is_start, is_return, rp", where(spec), links);
        return "SELECT " + number(spec.period(), localDate) + " AS p, toString(" + start(spec.period(), localDate) + ") AS cohort, s, RP, RL"
                + " FROM (SELECT person, min(if(is_start, t, toUInt64(-1))) AS s, groupArrayIf(rp, is_return) AS RP, groupArrayIf(t, is_return) AS RL"
                + " FROM (" + rows + ") GROUP BY person"
                + " HAVING s >= " + ClickHouseTime.micros(spec.from()) + " AND s < " + ClickHouseTime.micros(spec.to()) + ")";
    }

    /**
     * A person is in every cohort with a start event in {@code [from, to)}; the first start in the
     * period (which may lie before {@code from} when the range starts mid-period) bounds offset 0.
     */
    private static String recurring(RetentionSpec spec, String zone, ClickHousePeople.Links links) {
        String localDate = "toDate(timestamp, " + zone + ")";
        String columns = ClickHouseTime.MICROS + " AS t, " + number(spec.period(), localDate) + " AS p, toString("
                + start(spec.period(), localDate) + ") AS cohort";
        String starts = ClickHousePeople.resolve(spec.project(), columns, "t, p, cohort", startsWhere(spec), links);
        return "SELECT person, p, cohort, min(t) AS s FROM (" + starts + ") GROUP BY person, p, cohort"
                + " HAVING countIf(t >= " + ClickHouseTime.micros(spec.from()) + " AND t < " + ClickHouseTime.micros(spec.to()) + ") > 0";
    }

    /** The relative number of the period holding a local date. */
    private static String number(Interval period, String localDate) {
        return switch (period) {
            case DAY -> "toRelativeDayNum(" + localDate + ")";
            case WEEK -> "toRelativeWeekNum(" + localDate + ")";
            case MONTH -> "toRelativeMonthNum(" + localDate + ")";
            case HOUR -> throw new IllegalArgumentException("retention periods are day, week or month");
        };
    }

    /** The first local date of the period holding a local date. */
    private static String start(Interval period, String localDate) {
        return switch (period) {
            case DAY -> localDate;
            case WEEK -> "toMonday(" + localDate + ")";
            case MONTH -> "toStartOfMonth(" + localDate + ")";
            case HOUR -> throw new IllegalArgumentException("retention periods are day, week or month");
        };
    }

    static List<Cohort> read(RetentionSpec spec, List<List<String>> rows) {
        Map<LocalDate, List<String>> byStart = new HashMap<>();
        for (List<String> row : rows) {
            byStart.put(LocalDate.parse(row.get(0)), row);
        }
        List<Long> none = Collections.nCopies(spec.periods() + 1, 0L);
        List<Cohort> cohorts = new ArrayList<>();
        for (LocalDate period : periods(spec)) {
            List<String> row = byStart.get(period);
            // labelled by the local date at midnight, also where a DST change skips that midnight
            LocalDateTime label = period.atStartOfDay();
            if (row == null) {
                cohorts.add(new Cohort(label, 0, none));
                continue;
            }
            List<Long> retained = new ArrayList<>();
            for (String value : row.get(2).split(",")) {
                retained.add(Long.parseLong(value));
            }
            cohorts.add(new Cohort(label, Long.parseLong(row.get(1)), retained));
        }
        return cohorts;
    }

    private static LocalDate start(Interval period, LocalDate date) {
        return switch (period) {
            case DAY -> date;
            case WEEK -> date.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
            case MONTH -> date.withDayOfMonth(1);
            case HOUR -> throw new IllegalArgumentException("retention periods are day, week or month");
        };
    }

    private static LocalDate next(Interval period, LocalDate start, int count) {
        return switch (period) {
            case DAY -> start.plusDays(count);
            case WEEK -> start.plusWeeks(count);
            case MONTH -> start.plusMonths(count);
            case HOUR -> throw new IllegalArgumentException("retention periods are day, week or month");
        };
    }

    private static Instant instant(LocalDate date, ZoneId zone) {
        return date.atStartOfDay(zone).toInstant();
    }
}
