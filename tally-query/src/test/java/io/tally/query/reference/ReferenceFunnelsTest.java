package io.tally.query.reference;

import static io.tally.query.reference.EventBuilder.PROJECT;
import static io.tally.query.reference.EventBuilder.alias;
import static io.tally.query.reference.EventBuilder.identify;
import static io.tally.query.reference.EventBuilder.track;
import static org.assertj.core.api.Assertions.assertThat;

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
import io.tally.core.query.PropertyRef;
import io.tally.core.spi.QueryEngine;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReferenceFunnelsTest {
    private static final Instant FROM = Instant.parse("2026-01-05T00:00:00Z");
    private static final Instant TO = Instant.parse("2026-01-12T00:00:00Z");
    private static final List<String> VIEW_CART_BUY = List.of("view", "cart", "buy");

    @Test
    void theWorkedExampleOfTheDocs() {
        // Person A: view 10:00, cart 10:05, view 11:00, buy 11:10; person B: view 10:00, buy 10:01, cart 10:02
        var engine = engine(
                at("view", "A", "2026-01-05T10:00:00Z"), at("cart", "A", "2026-01-05T10:05:00Z"),
                at("view", "A", "2026-01-05T11:00:00Z"), at("buy", "A", "2026-01-05T11:10:00Z"),
                at("view", "B", "2026-01-05T10:00:00Z"), at("buy", "B", "2026-01-05T10:01:00Z"), at("cart", "B", "2026-01-05T10:02:00Z"));
        List<FunnelStepResult> steps = engine.funnel(funnel(VIEW_CART_BUY, Duration.ofDays(1), FunnelOrder.ORDERED)).get(QueryEngine.NO_BREAKDOWN);
        assertThat(steps).extracting(FunnelStepResult::count).containsExactly(2L, 2L, 1L);
        // "median time cart→buy: 3,900 s"
        assertThat(steps.get(2).medianSecondsFromPrevious()).isEqualTo(3900.0);
        assertThat(steps.get(2).averageSecondsFromPrevious()).isEqualTo(3900.0);
        // view→cart: A 300 s, B 120 s; the upper median of two is the larger
        assertThat(steps.get(1).medianSecondsFromPrevious()).isEqualTo(300.0);
        assertThat(steps.get(1).averageSecondsFromPrevious()).isEqualTo(210.0);
        assertThat(steps.get(0)).isEqualTo(new FunnelStepResult(2, 0, 0));
    }

    @Test
    void stepsWithTheSameTimestampAreNeverInOrder() {
        var engine = engine(at("signup", "u", "2026-01-05T10:00:00Z"), at("purchase", "u", "2026-01-05T10:00:00Z"));
        for (FunnelOrder order : List.of(FunnelOrder.ORDERED, FunnelOrder.STRICT)) {
            assertThat(counts(engine, funnel(List.of("signup", "purchase"), Duration.ofHours(1), order))).as(order.wireName()).containsExactly(1L, 0L);
        }
        // one microsecond later is strictly later
        var later = engine(at("signup", "u", "2026-01-05T10:00:00Z"), at("purchase", "u", "2026-01-05T10:00:00.000001Z"));
        List<FunnelStepResult> steps = later.funnel(funnel(List.of("signup", "purchase"), Duration.ofHours(1), FunnelOrder.ORDERED)).get(QueryEngine.NO_BREAKDOWN);
        assertThat(steps.get(1)).isEqualTo(new FunnelStepResult(1, 0.000001, 0.000001));
    }

    @Test
    void theWindowBoundIsInclusive() {
        var engine = engine(at("a", "u", "2026-01-05T10:00:00Z"), at("b", "u", "2026-01-05T10:30:00Z"),
                at("a", "v", "2026-01-05T10:00:00Z"), at("b", "v", "2026-01-05T10:30:00.000001Z"));
        assertThat(counts(engine, funnel(List.of("a", "b"), Duration.ofMinutes(30), FunnelOrder.ORDERED))).containsExactly(2L, 1L);
    }

    @Test
    void theWindowCountsFromTheEntryAndLaterStepsMayFallAfterTheRange() {
        var engine = engine(at("a", "u", "2026-01-11T23:00:00Z"), at("b", "u", "2026-01-11T23:40:00Z"), at("c", "u", "2026-01-12T00:10:00Z"),
                at("a", "v", "2026-01-11T23:00:00Z"), at("b", "v", "2026-01-11T23:40:00Z"), at("c", "v", "2026-01-12T00:10:01Z"));
        assertThat(counts(engine, funnel(List.of("a", "b", "c"), Duration.ofMinutes(70), FunnelOrder.ORDERED))).containsExactly(2L, 2L, 1L);
    }

    @Test
    void entriesLieInTheRange() {
        var engine = engine(at("a", "u", "2026-01-04T23:59:59Z"), at("b", "u", "2026-01-05T00:00:01Z"),
                at("a", "v", "2026-01-12T00:00:00Z"), at("b", "v", "2026-01-12T00:00:01Z"));
        assertThat(engine.funnel(funnel(List.of("a", "b"), Duration.ofDays(1), FunnelOrder.ORDERED)).get(QueryEngine.NO_BREAKDOWN))
                .containsExactly(new FunnelStepResult(0, 0, 0), new FunnelStepResult(0, 0, 0));
    }

    @Test
    void strictFunnelsAllowNoOtherEventOfThePersonBetweenSteps() {
        var engine = engine(at("a", "u", "2026-01-05T10:00:00Z"), at("other", "u", "2026-01-05T10:01:00Z"), at("b", "u", "2026-01-05T10:02:00Z"),
                at("a", "v", "2026-01-05T10:00:00Z"), at("b", "v", "2026-01-05T10:02:00Z"),
                // an event at the same time as a step is not strictly between
                at("a", "w", "2026-01-05T10:00:00Z"), at("other", "w", "2026-01-05T10:00:00Z"), at("b", "w", "2026-01-05T10:02:00Z"));
        assertThat(counts(engine, funnel(List.of("a", "b"), Duration.ofHours(1), FunnelOrder.STRICT))).containsExactly(3L, 2L);
        assertThat(counts(engine, funnel(List.of("a", "b"), Duration.ofHours(1), FunnelOrder.ORDERED))).containsExactly(3L, 3L);
    }

    @Test
    void strictFunnelsCountEventsThatFailTheFiltersAsInBetween() {
        Event between = track("other").user("u").at("2026-01-05T10:01:00Z").props("{\"plan\":\"free\"}").build();
        var engine = engine(track("a").user("u").at("2026-01-05T10:00:00Z").props("{\"plan\":\"pro\"}").build(), between,
                track("b").user("u").at("2026-01-05T10:02:00Z").props("{\"plan\":\"pro\"}").build());
        List<Filter> pro = List.of(new Filter(PropertyRef.parse("plan"), FilterOp.EQ, List.of(FilterValue.text("pro"))));
        FunnelSpec strict = new FunnelSpec(PROJECT, matchers(List.of("a", "b")), Duration.ofHours(1), FunnelOrder.STRICT, List.of(), pro, null, FROM, TO);
        assertThat(counts(engine, strict)).containsExactly(1L, 0L);
    }

    @Test
    void orderedChainsAreGreedy() {
        // the earliest b is taken, and the chain then needs a c after it within the window of the entry
        var engine = engine(at("a", "u", "2026-01-05T10:00:00Z"), at("b", "u", "2026-01-05T10:10:00Z"), at("b", "u", "2026-01-05T10:20:00Z"),
                at("c", "u", "2026-01-05T10:15:00Z"), at("c", "u", "2026-01-05T10:25:00Z"));
        List<FunnelStepResult> steps = engine.funnel(funnel(List.of("a", "b", "c"), Duration.ofHours(1), FunnelOrder.ORDERED)).get(QueryEngine.NO_BREAKDOWN);
        assertThat(steps.get(2)).isEqualTo(new FunnelStepResult(1, 300, 300));
    }

    @Test
    void theBestChainIsTheDeepestThenTheEarliest() {
        // the entry at 10:00 reaches b only (window 10 min); the entry at 11:00 reaches c
        var engine = engine(at("a", "u", "2026-01-05T10:00:00Z"), at("b", "u", "2026-01-05T10:05:00Z"),
                at("a", "u", "2026-01-05T11:00:00Z"), at("b", "u", "2026-01-05T11:01:00Z"), at("c", "u", "2026-01-05T11:02:00Z"),
                at("a", "u", "2026-01-05T12:00:00Z"), at("b", "u", "2026-01-05T12:07:00Z"), at("c", "u", "2026-01-05T12:08:00Z"));
        List<FunnelStepResult> steps = engine.funnel(funnel(List.of("a", "b", "c"), Duration.ofMinutes(10), FunnelOrder.ORDERED)).get(QueryEngine.NO_BREAKDOWN);
        assertThat(steps).containsExactly(new FunnelStepResult(1, 0, 0), new FunnelStepResult(1, 60, 60), new FunnelStepResult(1, 60, 60));
    }

    @Test
    void unorderedFunnelsNeedEveryEarlierStepWithinTheWindowOfAnEntry() {
        var engine = engine(
                // c, b, a in reverse order within 10 minutes: reaches all three
                at("c", "u", "2026-01-05T10:00:00Z"), at("b", "u", "2026-01-05T10:01:00Z"), at("a", "u", "2026-01-05T10:02:00Z"),
                // a and c but no b: reaches a only
                at("a", "v", "2026-01-05T10:00:00Z"), at("c", "v", "2026-01-05T10:01:00Z"),
                // b and c only: no step 1, not counted
                at("b", "w", "2026-01-05T10:00:00Z"), at("c", "w", "2026-01-05T10:01:00Z"),
                // a before the entry c does not count for that entry; the entry a reaches b (inclusive end)
                at("a", "x", "2026-01-05T10:00:00Z"), at("b", "x", "2026-01-05T10:10:00Z"), at("c", "x", "2026-01-05T10:10:01Z"));
        List<FunnelStepResult> steps = engine.funnel(funnel(List.of("a", "b", "c"), Duration.ofMinutes(10), FunnelOrder.UNORDERED)).get(QueryEngine.NO_BREAKDOWN);
        assertThat(steps).containsExactly(new FunnelStepResult(3, 0, 0), new FunnelStepResult(2, 0, 0), new FunnelStepResult(1, 0, 0));
    }

    @Test
    void inUnorderedFunnelsOneEventMayFillSeveralSteps() {
        var engine = engine(track("view").user("u").at("2026-01-05T10:00:00Z").build());
        FunnelSpec spec = new FunnelSpec(PROJECT, List.of(EventMatcher.named("view"), EventMatcher.named("view")), Duration.ofMinutes(1),
                FunnelOrder.UNORDERED, List.of(), List.of(), null, FROM, TO);
        assertThat(counts(engine, spec)).containsExactly(1L, 1L);
        assertThat(counts(engine, funnel(List.of("view", "view"), Duration.ofMinutes(1), FunnelOrder.ORDERED))).containsExactly(1L, 0L);
    }

    @Test
    void anExclusionBetweenItsStepsDiscardsTheChain() {
        var engine = engine(
                at("a", "u", "2026-01-05T10:00:00Z"), at("x", "u", "2026-01-05T10:01:00Z"), at("b", "u", "2026-01-05T10:02:00Z"),
                at("c", "u", "2026-01-05T10:03:00Z"),
                // the exclusion at the very time of a step is not strictly between
                at("a", "v", "2026-01-05T10:00:00Z"), at("x", "v", "2026-01-05T10:00:00Z"), at("b", "v", "2026-01-05T10:02:00Z"),
                // a chain that did not reach toStep is not affected
                at("a", "w", "2026-01-05T10:00:00Z"), at("x", "w", "2026-01-05T10:01:00Z"));
        FunnelSpec spec = new FunnelSpec(PROJECT, matchers(List.of("a", "b", "c")), Duration.ofHours(1), FunnelOrder.ORDERED,
                List.of(new FunnelExclusion(EventMatcher.named("x"), 1, 2)), List.of(), null, FROM, TO);
        assertThat(counts(engine, spec)).containsExactly(2L, 1L, 0L);
        // an exclusion between steps 2 and 3 does not touch u's x between steps 1 and 2
        FunnelSpec later = new FunnelSpec(PROJECT, matchers(List.of("a", "b", "c")), Duration.ofHours(1), FunnelOrder.ORDERED,
                List.of(new FunnelExclusion(EventMatcher.named("x"), 2, 3)), List.of(), null, FROM, TO);
        assertThat(counts(engine, later)).containsExactly(3L, 2L, 1L);
    }

    @Test
    void aDiscardedChainLeavesThePersonTheirOtherChains() {
        var engine = engine(at("a", "u", "2026-01-05T10:00:00Z"), at("x", "u", "2026-01-05T10:01:00Z"), at("a", "u", "2026-01-05T10:02:00Z"),
                at("b", "u", "2026-01-05T10:03:00Z"));
        FunnelSpec spec = new FunnelSpec(PROJECT, matchers(List.of("a", "b")), Duration.ofHours(1), FunnelOrder.ORDERED,
                List.of(new FunnelExclusion(EventMatcher.named("x"), 1, 2)), List.of(), null, FROM, TO);
        List<FunnelStepResult> steps = engine.funnel(spec).get(QueryEngine.NO_BREAKDOWN);
        assertThat(steps).containsExactly(new FunnelStepResult(1, 0, 0), new FunnelStepResult(1, 60, 60));
    }

    @Test
    void identifyMergesTheAnonymousHistoryIntoTheUser() {
        // the example of "People": a1 views on Monday, identifies as u1 on Tuesday, buys on Wednesday as u1
        var engine = engine(track("page viewed").anonymous("a1").at("2026-01-05T09:00:00Z").build(),
                identify("u1", "a1").at("2026-01-06T09:00:00Z").build(),
                track("purchase").user("u1").at("2026-01-07T09:00:00Z").build());
        assertThat(counts(engine, funnel(List.of("page viewed", "purchase"), Duration.ofDays(7), FunnelOrder.ORDERED))).containsExactly(1L, 1L);
    }

    @Test
    void linksComeFromEveryEventOfTheProjectWhateverTheRange() {
        // the link is made by a track event with both ids, long after the range
        var engine = engine(track("a").anonymous("a1").at("2026-01-05T09:00:00Z").build(),
                track("b").user("u1").at("2026-01-05T09:30:00Z").build(),
                track("later").user("u1").anonymous("a1").at("2026-03-01T00:00:00Z").build(),
                track("a").project("other").anonymous("a2").at("2026-01-05T09:00:00Z").build(),
                track("b").project("other").user("u2").at("2026-01-05T09:30:00Z").build(),
                track("link").project("p2").user("u2").anonymous("a2").at("2026-01-01T00:00:00Z").build());
        assertThat(counts(engine, funnel(List.of("a", "b"), Duration.ofDays(1), FunnelOrder.ORDERED))).containsExactly(1L, 1L);
        FunnelSpec other = new FunnelSpec("other", matchers(List.of("a", "b")), Duration.ofDays(1), FunnelOrder.ORDERED, List.of(), List.of(), null, FROM, TO);
        assertThat(counts(engine, other)).containsExactly(1L, 0L);
    }

    @Test
    void aliasLinksThePreviousIdToTheUser() {
        var engine = engine(track("a").anonymous("old").at("2026-01-05T09:00:00Z").build(),
                alias("old", "u1").at("2026-01-05T09:10:00Z").build(),
                track("b").user("u1").at("2026-01-05T09:30:00Z").build());
        assertThat(counts(engine, funnel(List.of("a", "b"), Duration.ofDays(1), FunnelOrder.ORDERED))).containsExactly(1L, 1L);
    }

    @Test
    void theEarliestLinkWinsAndEqualTimesGoToTheSmallerUserId() {
        var engine = engine(track("a").anonymous("a1").at("2026-01-05T09:00:00Z").build(),
                identify("u2", "a1").at("2026-01-05T09:05:00Z").build(),
                identify("u1", "a1").at("2026-01-05T09:06:00Z").build(),
                track("b").user("u1").at("2026-01-05T09:30:00Z").build(),
                track("b").user("u2").at("2026-01-05T09:40:00Z").build(),
                track("a").anonymous("a2").at("2026-01-05T09:00:00Z").build(),
                identify("u4", "a2").at("2026-01-05T09:05:00Z").build(),
                identify("u3", "a2").at("2026-01-05T09:05:00Z").build(),
                track("b").user("u3").at("2026-01-05T09:30:00Z").build(),
                track("b").user("u4").at("2026-01-05T09:40:00Z").build());
        List<FunnelStepResult> steps = engine.funnel(funnel(List.of("a", "b"), Duration.ofDays(1), FunnelOrder.ORDERED)).get(QueryEngine.NO_BREAKDOWN);
        // a1 is u2's (earlier link): a at 9:00 → b at 9:40; a2 is u3's (same time, smaller id): b at 9:30
        assertThat(steps.get(1)).isEqualTo(new FunnelStepResult(2, 2400, 2100));
    }

    @Test
    void linksDoNotChain() {
        // a1 → a2 by an event carrying both as ids, a2 → u1 by identify: a1's events stay with "a2" as the person, not u1
        var engine = engine(track("a").anonymous("a1").at("2026-01-05T09:00:00Z").build(),
                track("noise").user("a2").anonymous("a1").at("2026-01-05T09:01:00Z").build(),
                identify("u1", "a2").at("2026-01-05T09:02:00Z").build(),
                track("b").user("u1").at("2026-01-05T09:30:00Z").build());
        assertThat(counts(engine, funnel(List.of("a", "b"), Duration.ofDays(1), FunnelOrder.ORDERED))).containsExactly(1L, 0L);
    }

    @Test
    void aBreakdownSplitsPeopleByTheirEntryEvent() {
        List<Event> events = new ArrayList<>();
        // u1's best chain starts with the second view (the first does not convert): plan pro
        events.add(track("view").user("u1").at("2026-01-05T09:00:00Z").props("{\"plan\":\"free\"}").build());
        events.add(track("view").user("u1").at("2026-01-06T09:00:00Z").props("{\"plan\":\"pro\"}").build());
        events.add(at("buy", "u1", "2026-01-06T09:30:00Z"));
        events.add(track("view").user("u2").at("2026-01-05T09:00:00Z").props("{\"plan\":\"pro\"}").build());
        events.add(track("view").user("u3").at("2026-01-05T09:00:00Z").props("{\"plan\":\"free\"}").build());
        events.add(track("view").user("u4").at("2026-01-05T09:00:00Z").build());
        events.add(track("view").user("u5").at("2026-01-05T09:00:00Z").props("{\"plan\":\"team\"}").build());
        events.add(at("buy", "u5", "2026-01-05T09:10:00Z"));
        var engine = new ReferenceQueryEngine(events);
        FunnelSpec spec = new FunnelSpec(PROJECT, matchers(List.of("view", "buy")), Duration.ofHours(1), FunnelOrder.ORDERED, List.of(), List.of(),
                new Breakdown(PropertyRef.parse("plan"), 2), FROM, TO);
        Map<String, List<FunnelStepResult>> result = engine.funnel(spec);
        // people at step 1: pro 2, then $none, free, team with 1 each: $none is the smallest text
        assertThat(result).containsOnlyKeys("pro", Breakdown.NONE, Breakdown.OTHER);
        assertThat(result.get("pro")).containsExactly(new FunnelStepResult(2, 0, 0), new FunnelStepResult(1, 1800, 1800));
        assertThat(result.get(Breakdown.OTHER)).containsExactly(new FunnelStepResult(2, 0, 0), new FunnelStepResult(1, 600, 600));
        assertThat(result.get(Breakdown.NONE)).containsExactly(new FunnelStepResult(1, 0, 0), new FunnelStepResult(0, 0, 0));
    }

    @Test
    void entriesAtOneTimeWithDifferentValuesTakeTheSmallerText() {
        var engine = engine(track("view").user("u1").at("2026-01-05T09:00:00Z").props("{\"plan\":\"pro\"}").build(),
                track("view").user("u1").at("2026-01-05T09:00:00Z").props("{\"plan\":\"free\"}").build(),
                at("buy", "u1", "2026-01-05T09:30:00Z"));
        FunnelSpec spec = new FunnelSpec(PROJECT, matchers(List.of("view", "buy")), Duration.ofHours(1), FunnelOrder.ORDERED, List.of(), List.of(),
                new Breakdown(PropertyRef.parse("plan"), 5), FROM, TO);
        assertThat(engine.funnel(spec)).containsOnlyKeys("free");
    }

    @Test
    void theMedianIsTheUpperMedian() {
        List<Event> events = new ArrayList<>();
        int[] minutes = {1, 2, 3, 10};
        for (int i = 0; i < minutes.length; i++) {
            events.add(at("a", "u" + i, "2026-01-05T10:00:00Z"));
            events.add(at("b", "u" + i, "2026-01-05T10:%02d:00Z".formatted(minutes[i])));
        }
        FunnelStepResult step2 = new ReferenceQueryEngine(events).funnel(funnel(List.of("a", "b"), Duration.ofHours(1), FunnelOrder.ORDERED))
                .get(QueryEngine.NO_BREAKDOWN).get(1);
        assertThat(step2).isEqualTo(new FunnelStepResult(4, 180, 240));
    }

    @Test
    void stepFiltersAndQueryFiltersBothApply() {
        var engine = engine(track("view").user("u1").at("2026-01-05T09:00:00Z").context("{\"page\":{\"url\":\"/a\"}}").build(),
                track("buy").user("u1").at("2026-01-05T09:10:00Z").props("{\"amount\":5}").context("{\"page\":{\"url\":\"/a\"}}").build(),
                track("view").user("u2").at("2026-01-05T09:00:00Z").context("{\"page\":{\"url\":\"/a\"}}").build(),
                track("buy").user("u2").at("2026-01-05T09:10:00Z").props("{\"amount\":50}").context("{\"page\":{\"url\":\"/a\"}}").build(),
                track("view").user("u3").at("2026-01-05T09:00:00Z").context("{\"page\":{\"url\":\"/b\"}}").build(),
                track("buy").user("u3").at("2026-01-05T09:10:00Z").props("{\"amount\":50}").context("{\"page\":{\"url\":\"/b\"}}").build());
        EventMatcher bigBuy = new EventMatcher("buy", List.of(new Filter(PropertyRef.parse("amount"), FilterOp.GTE, List.of(FilterValue.number("10")))));
        List<Filter> pageA = List.of(new Filter(PropertyRef.parse("context.page.url"), FilterOp.EQ, List.of(FilterValue.text("/a"))));
        FunnelSpec spec = new FunnelSpec(PROJECT, List.of(EventMatcher.named("view"), bigBuy), Duration.ofHours(1), FunnelOrder.ORDERED, List.of(),
                pageA, null, FROM, TO);
        assertThat(counts(engine, spec)).containsExactly(2L, 1L);
    }

    private static List<Long> counts(ReferenceQueryEngine engine, FunnelSpec spec) {
        return engine.funnel(spec).get(QueryEngine.NO_BREAKDOWN).stream().map(FunnelStepResult::count).toList();
    }

    private static FunnelSpec funnel(List<String> steps, Duration window, FunnelOrder order) {
        return new FunnelSpec(PROJECT, matchers(steps), window, order, List.of(), List.of(), null, FROM, TO);
    }

    private static List<EventMatcher> matchers(List<String> steps) {
        return steps.stream().map(EventMatcher::named).toList();
    }

    private static Event at(String name, String user, String instant) {
        return track(name).user(user).at(instant).build();
    }

    private static ReferenceQueryEngine engine(Event... events) {
        return new ReferenceQueryEngine(List.of(events));
    }
}
