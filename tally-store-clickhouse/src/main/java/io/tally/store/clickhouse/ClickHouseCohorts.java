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
 * per person, the periods with a return event and the last return instant in each; and, per cohort
 * row, which offsets {@code j} hold a return (for {@code j = 0} one at or after the first start).
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

    static String sql(RetentionSpec spec, boolean linked) {
        String zone = ClickHouseTime.zoneLiteral(spec.zone());
        int n = spec.periods();
        String cohortRows = spec.cohortType() == CohortType.FIRST_TIME ? firstTime(spec, zone, linked) : recurring(spec, zone, linked);
        String returns = "SELECT person, groupArray(rp) AS RP, groupArray(last) AS RL FROM ("
                + "SELECT person, rp, max(t) AS last FROM ("
                + ClickHousePeople.resolve(spec.project(), ClickHouseTime.MICROS + " AS t, "
                        + number(spec.period(), "toDate(timestamp, " + zone + ")") + " AS rp", "t, rp", returnsWhere(spec), linked)
                + ") GROUP BY person, rp) GROUP BY person";
        // for each period with a return: its distance j from the cohort's period, or -1
        String offsets = "arrayMap((r, l) -> if(r >= p AND r <= p + " + n + " AND (r > p OR l >= s), toInt64(r) - toInt64(p), toInt64(-1)), RP, RL)";
        StringJoiner flags = new StringJoiner(", ", "[", "]");
        for (int j = 0; j <= n; j++) {
            flags.add("has(offsets, toInt64(" + j + "))");
        }
        // the lambda reads p and s, so they are named outside it too: see ClickHouseFunnels on 18.16's captures
        return "SELECT cohort, toString(count()), arrayStringConcat(arrayMap(x -> toString(x), sumForEach(flags)), ',') FROM ("
                + "SELECT cohort, " + offsets + " AS offsets, " + flags + " AS flags"
                + " FROM (" + cohortRows + ") ANY LEFT JOIN (" + returns + ") USING person"
                + " WHERE p >= 0 AND s >= 0"
                + ") GROUP BY cohort";
    }

    /** Every event the query reads: start events and return events; see {@link ClickHousePeople#neededLinksSql}. */
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

    /** A person's first start event ever decides their cohort, if it lies in {@code [from, to)}. */
    private static String firstTime(RetentionSpec spec, String zone, boolean linked) {
        String localDate = "toDate(toDateTime(intDiv(s - 1, 1000000)), " + zone + ")";
        String starts = ClickHousePeople.resolve(spec.project(), ClickHouseTime.MICROS + " AS t", "t", startsWhere(spec), linked);
        return "SELECT person, " + number(spec.period(), localDate) + " AS p, toString(" + start(spec.period(), localDate) + ") AS cohort, s"
                + " FROM (SELECT person, min(t) AS s FROM (" + starts + ") GROUP BY person"
                + " HAVING s >= " + ClickHouseTime.micros(spec.from()) + " AND s < " + ClickHouseTime.micros(spec.to()) + ")";
    }

    /**
     * A person is in every cohort with a start event in {@code [from, to)}; the first start in the
     * period (which may lie before {@code from} when the range starts mid-period) bounds offset 0.
     */
    private static String recurring(RetentionSpec spec, String zone, boolean linked) {
        String localDate = "toDate(timestamp, " + zone + ")";
        String columns = ClickHouseTime.MICROS + " AS t, " + number(spec.period(), localDate) + " AS p, toString("
                + start(spec.period(), localDate) + ") AS cohort";
        String starts = ClickHousePeople.resolve(spec.project(), columns, "t, p, cohort", startsWhere(spec), linked);
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
