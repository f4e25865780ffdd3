package io.tally.query.reference;

import static io.tally.query.reference.EventBuilder.PROJECT;
import static io.tally.query.reference.EventBuilder.track;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import io.tally.core.event.Event;
import io.tally.core.query.Breakdown;
import io.tally.core.query.EventMatcher;
import io.tally.core.query.Filter;
import io.tally.core.query.FilterOp;
import io.tally.core.query.FilterValue;
import io.tally.core.query.FunnelExclusion;
import io.tally.core.query.FunnelOrder;
import io.tally.core.query.FunnelSpec;
import io.tally.core.query.FunnelStepResult;
import io.tally.core.query.Interval;
import io.tally.core.query.PropertyRef;
import io.tally.core.query.SeriesMath;
import io.tally.core.query.TrendSpec;
import io.tally.core.spi.QueryEngine;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The worked examples of docs/queries.md, event for event, with the numbers the page gives. */
class DocumentedExamplesTest {
    private static final Instant FROM = Instant.parse("2026-01-05T00:00:00Z");
    private static final Instant TO = Instant.parse("2026-01-06T00:00:00Z");
    private static final LocalDateTime DAY = LocalDateTime.parse("2026-01-05T00:00");

    @Test
    void trendBreakdownWithOtherAndNone() {
        // proves docs/queries.md, Trends, Breakdown: the example with `$other` and `$none` (limit 2)
        var engine = engine(plan("u1", "pro"), plan("u2", "pro"), plan("u3", "pro"), plan("u4", "pro"),
                plan("u5", null), plan("u6", null), plan("u7", null),
                plan("u1", "free"), plan("u2", "free"), plan("u1", "team"));
        Map<String, Map<LocalDateTime, Double>> total = engine.trend(trend(SeriesMath.TOTAL, 2));
        assertThat(total).containsOnlyKeys("pro", Breakdown.NONE, Breakdown.OTHER);
        assertThat(total.get("pro")).containsExactly(entry(DAY, 4.0));
        assertThat(total.get(Breakdown.NONE)).containsExactly(entry(DAY, 3.0));
        assertThat(total.get(Breakdown.OTHER)).containsExactly(entry(DAY, 3.0));
        Map<String, Map<LocalDateTime, Double>> users = engine.trend(trend(SeriesMath.UNIQUE_USERS, 2));
        assertThat(users.get(Breakdown.OTHER)).containsExactly(entry(DAY, 2.0));
        // on their own, free has 2 users and team 1: the sum would be 3
        Map<String, Map<LocalDateTime, Double>> all = engine.trend(trend(SeriesMath.UNIQUE_USERS, 10));
        assertThat(all).containsOnlyKeys("pro", Breakdown.NONE, "free", "team");
        assertThat(all.get("free")).containsExactly(entry(DAY, 2.0));
        assertThat(all.get("team")).containsExactly(entry(DAY, 1.0));
    }

    @Test
    void strictFunnelBrokenByAnUnrelatedEvent() {
        // proves docs/queries.md, Funnels, Strict: the example where `help` between view and buy breaks A's chain
        var engine = engine(at("view", "A", "10:00"), at("help", "A", "10:01"), at("buy", "A", "10:02"),
                at("view", "B", "10:00"), at("buy", "B", "10:05"));
        List<String> steps = List.of("view", "buy");
        assertThat(counts(engine, funnel(steps, Duration.ofHours(1), FunnelOrder.STRICT, List.of(), null))).containsExactly(2L, 1L);
        assertThat(counts(engine, funnel(steps, Duration.ofHours(1), FunnelOrder.ORDERED, List.of(), null))).containsExactly(2L, 2L);
    }

    @Test
    void unorderedFunnelOneEventFillsSeveralSteps() {
        // proves docs/queries.md, Funnels, Unordered: the example view → purchase → purchase with amount ≥ 100
        var engine = engine(purchase("A", "10:00", 150), at("view", "A", "10:30"),
                at("view", "B", "09:00"), purchase("B", "09:10", 20));
        EventMatcher bigPurchase = new EventMatcher("purchase",
                List.of(new Filter(PropertyRef.parse("amount"), FilterOp.GTE, List.of(FilterValue.number("100")))));
        List<EventMatcher> steps = List.of(EventMatcher.named("view"), EventMatcher.named("purchase"), bigPurchase);
        FunnelSpec unordered = new FunnelSpec(PROJECT, steps, Duration.ofHours(1), FunnelOrder.UNORDERED, List.of(), List.of(), null, FROM, TO);
        assertThat(engine.funnel(unordered).get(QueryEngine.NO_BREAKDOWN)).containsExactly(
                new FunnelStepResult(2, 0, 0), new FunnelStepResult(2, 0, 0), new FunnelStepResult(1, 0, 0));
        FunnelSpec ordered = new FunnelSpec(PROJECT, steps, Duration.ofHours(1), FunnelOrder.ORDERED, List.of(), List.of(), null, FROM, TO);
        assertThat(counts(engine, ordered)).containsExactly(2L, 1L, 0L);
    }

    @Test
    void exclusionDiscardsOneChainAndNotTheOneShortOfToStep() {
        // proves docs/queries.md, Funnels, Exclusions: the example with `logout` excluded between cart (2) and buy (3)
        var engine = engine(at("view", "A", "10:00"), at("cart", "A", "10:05"), at("logout", "A", "10:10"), at("buy", "A", "10:20"),
                at("view", "B", "10:00"), at("cart", "B", "10:05"), at("logout", "B", "10:10"));
        List<FunnelExclusion> logout = List.of(new FunnelExclusion(EventMatcher.named("logout"), 2, 3));
        List<String> steps = List.of("view", "cart", "buy");
        assertThat(counts(engine, funnel(steps, Duration.ofDays(1), FunnelOrder.ORDERED, logout, null))).containsExactly(1L, 1L, 0L);
        // without the exclusion A converts
        assertThat(counts(engine, funnel(steps, Duration.ofDays(1), FunnelOrder.ORDERED, List.of(), null))).containsExactly(2L, 2L, 1L);
    }

    @Test
    void funnelBreakdownTakesTheEntryValueAndTheSmallerTextAtOneInstant() {
        // proves docs/queries.md, Funnels, Breakdown: the example with A (team, then pro) and B (pro and free at one instant)
        var engine = engine(track("view").user("A").at(time("10:00")).props("{\"plan\":\"team\"}").build(),
                track("buy").user("A").at(time("10:30")).props("{\"plan\":\"pro\"}").build(),
                track("view").user("B").at(time("09:00")).props("{\"plan\":\"pro\"}").build(),
                track("view").user("B").at(time("09:00")).props("{\"plan\":\"free\"}").build(),
                track("buy").user("B").at(time("09:10")).build());
        Map<String, List<FunnelStepResult>> result = engine.funnel(
                funnel(List.of("view", "buy"), Duration.ofDays(1), FunnelOrder.ORDERED, List.of(), new Breakdown(PropertyRef.parse("plan"), 10)));
        assertThat(result).containsOnlyKeys("team", "free");
        assertThat(result.get("team")).extracting(FunnelStepResult::count).containsExactly(1L, 1L);
        assertThat(result.get("free")).extracting(FunnelStepResult::count).containsExactly(1L, 1L);
    }

    @Test
    void funnelBreakdownAMissingValueAtOneInstantComparesAsNone() {
        // proves docs/queries.md, Funnels, Breakdown: "a missing property compares as the text `$none`" in the rule for entries at one instant
        var engine = engine(track("view").user("C").at(time("09:00")).props("{\"plan\":\"free\"}").build(),
                track("view").user("C").at(time("09:00")).build());
        Map<String, List<FunnelStepResult>> result = engine.funnel(
                funnel(List.of("view", "buy"), Duration.ofDays(1), FunnelOrder.ORDERED, List.of(), new Breakdown(PropertyRef.parse("plan"), 10)));
        assertThat(result).containsOnlyKeys(Breakdown.NONE);
    }

    private static Event plan(String user, String plan) {
        return track("view").user(user).at(time("12:00")).props(plan == null ? "{}" : "{\"plan\":\"" + plan + "\"}").build();
    }

    private static Event purchase(String user, String hhmm, int amount) {
        return track("purchase").user(user).at(time(hhmm)).props("{\"amount\":" + amount + "}").build();
    }

    private static Event at(String name, String user, String hhmm) {
        return track(name).user(user).at(time(hhmm)).build();
    }

    private static String time(String hhmm) {
        return "2026-01-05T" + hhmm + ":00Z";
    }

    private static TrendSpec trend(SeriesMath math, int limit) {
        return new TrendSpec(PROJECT, "view", math, null, List.of(), new Breakdown(PropertyRef.parse("plan"), limit), Interval.DAY,
                ZoneOffset.UTC, FROM, TO);
    }

    private static FunnelSpec funnel(List<String> steps, Duration window, FunnelOrder order, List<FunnelExclusion> exclusions,
                                     Breakdown breakdown) {
        return new FunnelSpec(PROJECT, steps.stream().map(EventMatcher::named).toList(), window, order, exclusions, List.of(), breakdown,
                FROM, TO);
    }

    private static List<Long> counts(ReferenceQueryEngine engine, FunnelSpec spec) {
        return engine.funnel(spec).get(QueryEngine.NO_BREAKDOWN).stream().map(FunnelStepResult::count).toList();
    }

    private static ReferenceQueryEngine engine(Event... events) {
        return new ReferenceQueryEngine(List.of(events));
    }
}
