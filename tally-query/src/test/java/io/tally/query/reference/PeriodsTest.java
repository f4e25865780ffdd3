package io.tally.query.reference;

import static org.assertj.core.api.Assertions.assertThat;

import io.tally.core.query.Interval;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

class PeriodsTest {
    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

    @Test
    void berlinDaysAre23And25HoursLongOnTheDstChanges() {
        assertThat(dayLength("2026-03-29")).isEqualTo(Duration.ofHours(23));
        assertThat(dayLength("2026-10-25")).isEqualTo(Duration.ofHours(25));
        assertThat(dayLength("2026-03-30")).isEqualTo(Duration.ofHours(24));
        // "dateFrom 2026-03-29 ... is the 23 hours from 2026-03-28T23:00Z to 2026-03-29T22:00Z"
        assertThat(label("2026-03-28T22:59:59.999999Z", Interval.DAY)).isEqualTo(LocalDateTime.parse("2026-03-28T00:00"));
        assertThat(label("2026-03-28T23:00:00Z", Interval.DAY)).isEqualTo(LocalDateTime.parse("2026-03-29T00:00"));
        assertThat(label("2026-03-29T21:59:59.999999Z", Interval.DAY)).isEqualTo(LocalDateTime.parse("2026-03-29T00:00"));
        assertThat(label("2026-03-29T22:00:00Z", Interval.DAY)).isEqualTo(LocalDateTime.parse("2026-03-30T00:00"));
    }

    @Test
    void theRepeatedAutumnHourIsOneBucket() {
        // 02:00-03:00 local happens twice on 2026-10-25: 00:00-01:00 UTC in CEST, 01:00-02:00 UTC in CET
        LocalDateTime twoOClock = LocalDateTime.parse("2026-10-25T02:00");
        assertThat(label("2026-10-25T00:15:00Z", Interval.HOUR)).isEqualTo(twoOClock);
        assertThat(label("2026-10-25T01:45:00Z", Interval.HOUR)).isEqualTo(twoOClock);
        assertThat(label("2026-10-25T02:00:00Z", Interval.HOUR)).isEqualTo(LocalDateTime.parse("2026-10-25T03:00"));
    }

    @Test
    void weeksStartOnMondayAndMonthsOnTheFirst() {
        // Sunday 2026-03-29 23:30 local is in the week of Monday 23 March
        assertThat(label("2026-03-29T21:30:00Z", Interval.WEEK)).isEqualTo(LocalDateTime.parse("2026-03-23T00:00"));
        assertThat(label("2026-03-29T22:10:00Z", Interval.WEEK)).isEqualTo(LocalDateTime.parse("2026-03-30T00:00"));
        assertThat(label("2026-03-31T22:00:00Z", Interval.MONTH)).isEqualTo(LocalDateTime.parse("2026-04-01T00:00"));
        assertThat(label("2026-03-31T21:59:59Z", Interval.MONTH)).isEqualTo(LocalDateTime.parse("2026-03-01T00:00"));
    }

    @Test
    void hoursAreLocalHoursInHalfHourZones() {
        ZoneId kolkata = ZoneId.of("Asia/Kolkata");
        assertThat(Periods.label(Instant.parse("2026-01-01T04:29:59Z"), Interval.HOUR, kolkata)).isEqualTo(LocalDateTime.parse("2026-01-01T09:00"));
        assertThat(Periods.label(Instant.parse("2026-01-01T04:30:00Z"), Interval.HOUR, kolkata)).isEqualTo(LocalDateTime.parse("2026-01-01T10:00"));
    }

    @Test
    void theOverlappingPeriodsIncludePartialOnesAtBothEnds() {
        assertThat(Periods.overlapping(Instant.parse("2026-03-25T12:00:00Z"), Instant.parse("2026-04-07T00:00:00Z"), Interval.WEEK, BERLIN))
                .containsExactly(LocalDateTime.parse("2026-03-23T00:00"), LocalDateTime.parse("2026-03-30T00:00"), LocalDateTime.parse("2026-04-06T00:00"));
        // to is exclusive: a range ending at a local midnight has no period starting there
        assertThat(Periods.overlapping(Instant.parse("2026-03-28T23:00:00Z"), Instant.parse("2026-03-29T22:00:00Z"), Interval.DAY, BERLIN))
                .containsExactly(LocalDateTime.parse("2026-03-29T00:00"));
    }

    private static Duration dayLength(String date) {
        LocalDateTime start = LocalDateTime.parse(date + "T00:00");
        return Duration.between(start.atZone(BERLIN).toInstant(), start.plusDays(1).atZone(BERLIN).toInstant());
    }

    private static LocalDateTime label(String instant, Interval interval) {
        return Periods.label(Instant.parse(instant), interval, BERLIN);
    }
}
