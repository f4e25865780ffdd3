package io.tally.query.reference;

import static io.tally.query.reference.EventBuilder.PROJECT;
import static io.tally.query.reference.EventBuilder.identify;
import static io.tally.query.reference.EventBuilder.track;
import static org.assertj.core.api.Assertions.assertThat;

import io.tally.core.event.Event;
import io.tally.core.query.Cohort;
import io.tally.core.query.CohortType;
import io.tally.core.query.EventMatcher;
import io.tally.core.query.Filter;
import io.tally.core.query.FilterOp;
import io.tally.core.query.FilterValue;
import io.tally.core.query.Interval;
import io.tally.core.query.PropertyRef;
import io.tally.core.query.RetentionSpec;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReferenceRetentionTest {
    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    private static final LocalDateTime JAN_5 = LocalDateTime.parse("2026-01-05T00:00");
    private static final LocalDateTime JAN_6 = LocalDateTime.parse("2026-01-06T00:00");
    private static final LocalDateTime JAN_7 = LocalDateTime.parse("2026-01-07T00:00");

    @Test
    void theWorkedExampleOfTheDocs() {
        // U signs up Sunday 2026-03-29 23:30 local (week of 23 March) and logs in Monday 00:10 (next week)
        var engine = engine(at("signup", "U", "2026-03-29T21:30:00Z"), at("login", "U", "2026-03-29T22:10:00Z"));
        RetentionSpec spec = new RetentionSpec(PROJECT, EventMatcher.named("signup"), EventMatcher.named("login"), Interval.WEEK, 2,
                CohortType.FIRST_TIME, List.of(), BERLIN, Instant.parse("2026-03-22T23:00:00Z"), Instant.parse("2026-04-05T22:00:00Z"));
        assertThat(engine.retention(spec)).containsExactly(
                new Cohort(LocalDateTime.parse("2026-03-23T00:00"), 1, List.of(0L, 1L, 0L)),
                new Cohort(LocalDateTime.parse("2026-03-30T00:00"), 0, List.of(0L, 0L, 0L)));
    }

    @Test
    void firstTimeCohortsTakeTheFirstStartEventEverWhereverItIs() {
        var engine = engine(
                // u1's first signup is before the range: in no cohort
                at("signup", "u1", "2026-01-01T10:00:00Z"), at("signup", "u1", "2026-01-05T10:00:00Z"), at("login", "u1", "2026-01-06T10:00:00Z"),
                at("signup", "u2", "2026-01-05T10:00:00Z"), at("signup", "u2", "2026-01-06T10:00:00Z"), at("login", "u2", "2026-01-06T11:00:00Z"),
                at("signup", "u3", "2026-01-06T10:00:00Z"), at("login", "u3", "2026-01-06T09:00:00Z"), at("login", "u3", "2026-01-09T09:00:00Z"));
        List<Cohort> cohorts = engine.retention(daily(CohortType.FIRST_TIME, 2));
        assertThat(cohorts).containsExactly(
                new Cohort(JAN_5, 1, List.of(0L, 1L, 0L)),
                // u3's login at 09:00 is before the signup at 10:00 the same day: not retained[0]
                new Cohort(JAN_6, 1, List.of(0L, 0L, 0L)),
                new Cohort(JAN_7, 0, List.of(0L, 0L, 0L)));
    }

    @Test
    void recurringCohortsTakeEveryPeriodWithAStartEvent() {
        var engine = engine(
                at("signup", "u1", "2026-01-01T10:00:00Z"), at("signup", "u1", "2026-01-05T10:00:00Z"), at("login", "u1", "2026-01-06T10:00:00Z"),
                at("signup", "u2", "2026-01-05T10:00:00Z"), at("signup", "u2", "2026-01-06T10:00:00Z"), at("login", "u2", "2026-01-06T11:00:00Z"),
                at("signup", "u3", "2026-01-06T10:00:00Z"), at("login", "u3", "2026-01-06T09:00:00Z"), at("login", "u3", "2026-01-09T09:00:00Z"));
        assertThat(engine.retention(daily(CohortType.RECURRING, 2))).containsExactly(
                new Cohort(JAN_5, 2, List.of(0L, 2L, 0L)),
                new Cohort(JAN_6, 2, List.of(1L, 0L, 0L)),
                new Cohort(JAN_7, 0, List.of(0L, 0L, 0L)));
    }

    @Test
    void aReturnAtTheTimeOfTheStartCountsForPeriodZero() {
        var engine = engine(at("signup", "u1", "2026-01-05T10:00:00Z"), at("login", "u1", "2026-01-05T10:00:00Z"),
                at("signup", "u2", "2026-01-05T10:00:00Z"), at("login", "u2", "2026-01-05T09:59:59.999999Z"));
        assertThat(engine.retention(daily(CohortType.FIRST_TIME, 1)).get(0)).isEqualTo(new Cohort(JAN_5, 2, List.of(1L, 0L)));
    }

    @Test
    void returnEventsCountBeyondTheRange() {
        var engine = engine(at("signup", "u1", "2026-01-07T10:00:00Z"), at("login", "u1", "2026-01-10T10:00:00Z"));
        assertThat(engine.retention(daily(CohortType.FIRST_TIME, 3)).get(2)).isEqualTo(new Cohort(JAN_7, 1, List.of(0L, 0L, 0L, 1L)));
    }

    @Test
    void peopleAreMergedThroughIdentify() {
        var engine = engine(track("signup").anonymous("a1").at("2026-01-05T10:00:00Z").build(),
                identify("u1", "a1").at("2026-01-05T11:00:00Z").build(),
                at("login", "u1", "2026-01-06T10:00:00Z"));
        assertThat(engine.retention(daily(CohortType.FIRST_TIME, 1)).get(0)).isEqualTo(new Cohort(JAN_5, 1, List.of(0L, 1L)));
    }

    @Test
    void theQueryFiltersApplyToStartAndReturnEvents() {
        var engine = engine(track("signup").user("u1").at("2026-01-05T10:00:00Z").props("{\"plan\":\"pro\"}").build(),
                track("login").user("u1").at("2026-01-06T10:00:00Z").props("{\"plan\":\"free\"}").build(),
                track("signup").user("u2").at("2026-01-05T10:00:00Z").props("{\"plan\":\"free\"}").build());
        List<Filter> pro = List.of(new Filter(PropertyRef.parse("plan"), FilterOp.EQ, List.of(FilterValue.text("pro"))));
        RetentionSpec spec = new RetentionSpec(PROJECT, EventMatcher.named("signup"), EventMatcher.named("login"), Interval.DAY, 1,
                CohortType.FIRST_TIME, pro, ZoneOffset.UTC, Instant.parse("2026-01-05T00:00:00Z"), Instant.parse("2026-01-06T00:00:00Z"));
        assertThat(engine.retention(spec)).containsExactly(new Cohort(JAN_5, 1, List.of(0L, 0L)));
    }

    @Test
    void monthlyCohortsInLocalTime() {
        // 31 March 23:30 in Berlin is 21:30 UTC: March; 1 April 00:30 local is 31 March 22:30 UTC: April
        var engine = engine(at("signup", "u1", "2026-03-31T21:30:00Z"), at("login", "u1", "2026-03-31T22:30:00Z"));
        RetentionSpec spec = new RetentionSpec(PROJECT, EventMatcher.named("signup"), EventMatcher.named("login"), Interval.MONTH, 1,
                CohortType.FIRST_TIME, List.of(), BERLIN, Instant.parse("2026-03-15T00:00:00Z"), Instant.parse("2026-04-15T00:00:00Z"));
        assertThat(engine.retention(spec)).containsExactly(
                new Cohort(LocalDateTime.parse("2026-03-01T00:00"), 1, List.of(0L, 1L)),
                new Cohort(LocalDateTime.parse("2026-04-01T00:00"), 0, List.of(0L, 0L)));
    }

    @Test
    void recurringPeriodZeroCountsFromTheFirstStartEventInThePeriodEvenBeforeTheRange() {
        // from is Wednesday noon; the weekly cohort of 5 January holds the Monday signup too
        var engine = engine(at("signup", "u1", "2026-01-05T10:00:00Z"), at("login", "u1", "2026-01-06T10:00:00Z"),
                at("signup", "u1", "2026-01-08T10:00:00Z"));
        RetentionSpec spec = new RetentionSpec(PROJECT, EventMatcher.named("signup"), EventMatcher.named("login"), Interval.WEEK, 1,
                CohortType.RECURRING, List.of(), ZoneOffset.UTC, Instant.parse("2026-01-07T12:00:00Z"), Instant.parse("2026-01-10T00:00:00Z"));
        assertThat(engine.retention(spec)).containsExactly(new Cohort(JAN_5, 1, List.of(1L, 0L)));
    }

    private static RetentionSpec daily(CohortType type, int periods) {
        return new RetentionSpec(PROJECT, EventMatcher.named("signup"), EventMatcher.named("login"), Interval.DAY, periods, type, List.of(),
                ZoneOffset.UTC, Instant.parse("2026-01-05T00:00:00Z"), Instant.parse("2026-01-08T00:00:00Z"));
    }

    private static Event at(String name, String user, String instant) {
        return track(name).user(user).at(instant).build();
    }

    private static ReferenceQueryEngine engine(Event... events) {
        return new ReferenceQueryEngine(List.of(events));
    }
}
