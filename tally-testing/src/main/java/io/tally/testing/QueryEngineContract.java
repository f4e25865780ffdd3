package io.tally.testing;

import static io.tally.testing.ContractEvents.identify;
import static io.tally.testing.ContractEvents.track;
import static java.util.Objects.requireNonNull;
import static org.assertj.core.api.Assertions.assertThat;

import io.tally.core.event.Event;
import io.tally.core.query.Breakdown;
import io.tally.core.query.Cohort;
import io.tally.core.query.CohortType;
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
import io.tally.core.query.RetentionSpec;
import io.tally.core.query.SeriesMath;
import io.tally.core.query.TrendSpec;
import io.tally.core.spi.EventStore;
import io.tally.core.spi.QueryEngine;
import io.tally.query.reference.ReferenceQueryEngine;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.lifecycle.AfterContainer;

/**
 * The analytic answers every {@link QueryEngine} must give: those of {@link ReferenceQueryEngine}, the
 * plain-Java reading of docs/queries.md. A store's test extends this class and says how to open the
 * store and its engine; jqwik then runs the fixed cases (the worked examples of docs/queries.md, with
 * the expected numbers written out, so that a wrong store first fails readably) and the properties,
 * which write random event streams ({@link RandomEventStream}) and compare the store's answers to
 * random questions with the reference's.
 *
 * <p>One store is opened per test class, lazily, in a fresh temporary directory, and closed after the
 * class; every stream goes into a project of its own, so no schema work is repeated. A subclass that
 * needs a server starts it before the store opens (in {@link #openStore} or a static
 * {@code @BeforeContainer} method; these are jqwik tests, so JUnit Jupiter's lifecycle annotations do
 * not apply).
 *
 * <p>A failure names the stream's seed and prints the question in full, with every difference found.
 * jqwik tries a failed sample first on the next run (its database lives under {@code target/}), so
 * running the store's test again reproduces it; {@code RandomEventStream.generate(project, seed)} makes
 * the same events. Counts must equal the reference's exactly; sums, averages and funnel times within a
 * relative 1e-9. The whole class writes 60 streams of about 140 events and asks about 560 questions.
 */
public abstract class QueryEngineContract {
    private static final int TRIES = 20;
    private static final int TRENDS_PER_STREAM = 12;
    private static final int FUNNELS_PER_STREAM = 10;
    private static final int RETENTIONS_PER_STREAM = 6;
    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

    /** The store of each running test class; jqwik makes an instance per property, not per class. */
    private static final Map<Class<?>, OpenStore> OPEN = new ConcurrentHashMap<>();
    private static final AtomicInteger PROJECTS = new AtomicInteger();

    /** Opens a store that keeps its data under {@code dir}, an empty directory. */
    protected abstract EventStore openStore(Path dir);

    /** The engine answering from {@code store}; called once per store, it must see later writes. */
    protected abstract QueryEngine queryEngine(EventStore store);

    @AfterContainer
    static void closeQueryEngineContractStores() {
        for (Class<?> type : List.copyOf(OPEN.keySet())) {
            OpenStore open = OPEN.remove(type);
            if (open != null) {
                open.close();
            }
        }
    }

    // ---- properties: the store against the reference on random streams ----

    @Property(tries = TRIES, shrinking = ShrinkingMode.OFF)
    void trendsEqualTheReference(@ForAll long seed) {
        Written written = write(seed);
        RandomQuerySpecs specs = new RandomQuerySpecs(new Random(seed + 1), written.stream());
        for (int i = 0; i < TRENDS_PER_STREAM; i++) {
            TrendSpec spec = specs.trend();
            List<String> differences = AnswerDifferences.trend(spec.math(), written.reference().trend(spec), engine().trend(spec));
            assertThat(differences).as(() -> describe(seed, written, spec)).isEmpty();
        }
    }

    @Property(tries = TRIES, shrinking = ShrinkingMode.OFF)
    void funnelsEqualTheReference(@ForAll long seed) {
        Written written = write(seed);
        RandomQuerySpecs specs = new RandomQuerySpecs(new Random(seed + 2), written.stream());
        for (int i = 0; i < FUNNELS_PER_STREAM; i++) {
            FunnelSpec spec = specs.funnel();
            List<String> differences = AnswerDifferences.funnel(spec.steps().size(), written.reference().funnel(spec), engine().funnel(spec));
            assertThat(differences).as(() -> describe(seed, written, spec)).isEmpty();
        }
    }

    @Property(tries = TRIES, shrinking = ShrinkingMode.OFF)
    void retentionEqualsTheReference(@ForAll long seed) {
        Written written = write(seed);
        RandomQuerySpecs specs = new RandomQuerySpecs(new Random(seed + 3), written.stream());
        for (int i = 0; i < RETENTIONS_PER_STREAM; i++) {
            RetentionSpec spec = specs.retention();
            List<String> differences = AnswerDifferences.retention(written.reference().retention(spec), engine().retention(spec));
            assertThat(differences).as(() -> describe(seed, written, spec)).isEmpty();
        }
    }

    /**
     * Generates the stream of {@code seed} into a new project and writes it as the loader would deliver
     * it: shuffled (events of many partitions arrive out of order) and in one to four batches.
     */
    private Written write(long seed) {
        String project = "q" + PROJECTS.incrementAndGet();
        RandomEventStream.Stream stream = RandomEventStream.generate(project, seed);
        Random random = new Random(seed);
        List<Event> shuffled = new ArrayList<>(stream.events());
        Collections.shuffle(shuffled, random);
        List<Integer> cuts = new ArrayList<>(List.of(0, shuffled.size()));
        for (int i = random.nextInt(4); i > 0; i--) {
            cuts.add(random.nextInt(shuffled.size() + 1));
        }
        Collections.sort(cuts);
        for (int i = 1; i < cuts.size(); i++) {
            if (cuts.get(i) > cuts.get(i - 1)) {
                store().write(List.copyOf(shuffled.subList(cuts.get(i - 1), cuts.get(i))), Map.of());
            }
        }
        assertThat(store().countEvents(project)).as("events stored for " + project).isEqualTo(stream.events().size());
        return new Written(stream, new ReferenceQueryEngine(stream.events()));
    }

    private String describe(long seed, Written written, Object spec) {
        return "store " + engine().name() + " differs from the reference on stream seed " + seed + " (" + written.stream().events().size()
                + " events from " + written.stream().era().start() + ") for\n  " + spec;
    }

    // ---- fixed cases: the worked examples of docs/queries.md with their numbers ----

    @Example
    void trendDaysAndHoursFollowLocalTimeAcrossDaylightSaving() {
        String p = fixedProject();
        write(track(p, "a").user("u1").at("2026-03-28T22:59:59.999999Z"), track(p, "a").user("u1").at("2026-03-28T23:00:00Z"),
                track(p, "a").user("u2").at("2026-03-29T21:59:59.999999Z"), track(p, "a").user("u2").at("2026-03-29T22:00:00Z"),
                track(p, "a").user("u1").at("2026-10-25T00:30:00Z"), track(p, "a").user("u2").at("2026-10-25T01:30:00Z"),
                track(p, "a").user("u2").at("2026-10-25T02:30:00Z"));
        // "dateFrom 2026-03-29, dateTo 2026-03-29 in Europe/Berlin is the 23 hours from 2026-03-28T23:00Z to 2026-03-29T22:00Z"
        TrendSpec day = new TrendSpec(p, "a", SeriesMath.TOTAL, Interval.DAY, BERLIN, Instant.parse("2026-03-28T23:00:00Z"),
                Instant.parse("2026-03-29T22:00:00Z"));
        expectTrend(day, Map.of(LocalDateTime.parse("2026-03-29T00:00"), 2.0));
        // the repeated autumn hour 02:00 is one bucket holding both of its instants
        TrendSpec hours = new TrendSpec(p, "a", SeriesMath.UNIQUE_USERS, Interval.HOUR, BERLIN, Instant.parse("2026-10-24T22:00:00Z"),
                Instant.parse("2026-10-25T23:00:00Z"));
        expectTrend(hours, Map.of(LocalDateTime.parse("2026-10-25T02:00"), 2.0, LocalDateTime.parse("2026-10-25T03:00"), 1.0));
        // weeks start on Monday: Sunday 29 March belongs to the week of 23 March
        TrendSpec weeks = new TrendSpec(p, "a", SeriesMath.TOTAL, Interval.WEEK, BERLIN, Instant.parse("2026-03-20T00:00:00Z"),
                Instant.parse("2026-04-10T00:00:00Z"));
        expectTrend(weeks, Map.of(LocalDateTime.parse("2026-03-23T00:00"), 3.0, LocalDateTime.parse("2026-03-30T00:00"), 1.0));
        // a local hour in a half-hour zone: 2026-03-29T22:00Z is 03:30 in Kolkata
        TrendSpec kolkata = new TrendSpec(p, "a", SeriesMath.TOTAL, Interval.HOUR, ZoneId.of("Asia/Kolkata"), Instant.parse("2026-03-29T21:00:00Z"),
                Instant.parse("2026-03-29T23:00:00Z"));
        expectTrend(kolkata, Map.of(LocalDateTime.parse("2026-03-30T03:00"), 2.0));
    }

    @Example
    void trendMathAndNumericFiltersFollowTheDocs() {
        String p = fixedProject();
        List<Event> events = new ArrayList<>();
        for (String amount : List.of("4", "2", "\"3\"", "1", "\"many\"", "null", "true")) {
            events.add(track(p, "a").user("u1").props("{\"amount\":" + amount + "}").at("2026-01-05T10:00:00Z"));
        }
        events.add(track(p, "b").user("u1").props("{\"price\":9.50}").at("2026-01-05T10:00:00Z"));
        write(events.toArray(Event[]::new));
        LocalDateTime day = LocalDateTime.parse("2026-01-05T00:00");
        // "for p50 of 1, 2, 3, 4 that is 3"; a numeric string is a number, other values are skipped
        expectTrend(math(p, SeriesMath.P50), Map.of(day, 3.0));
        expectTrend(math(p, SeriesMath.P90), Map.of(day, 4.0));
        expectTrend(math(p, SeriesMath.SUM), Map.of(day, 10.0));
        expectTrend(math(p, SeriesMath.AVG), Map.of(day, 2.5));
        expectTrend(math(p, SeriesMath.MIN), Map.of(day, 1.0));
        expectTrend(math(p, SeriesMath.MAX), Map.of(day, 4.0));
        // "A JSON number value compares numerically (9.5 equals 9.50)"; the text of 9.50 is not promised
        // (docs/queries.md: only the shortest form that JSON writers produce is), so it is not asserted
        expectTrend(priceFilter(p, FilterValue.number("9.5")), Map.of(day, 1.0));
        expectTrend(priceFilter(p, FilterValue.number("9.25")), Map.of());
    }

    @Example
    void trendBreakdownKeepsTheBiggestValuesAndGathersTheRest() {
        String p = fixedProject();
        write(plan(p, "b", "u1"), plan(p, "b", "u2"), plan(p, "a", "u1"), plan(p, "c", "u1"), plan(p, "c", "u3"), plan(p, null, "u4"),
                plan(p, "d", "u3"));
        LocalDateTime day = LocalDateTime.parse("2026-01-05T00:00");
        Breakdown top2 = new Breakdown(PropertyRef.parse("plan"), 2);
        // b and c have 2 events; a, d and $none one each, and go to $other together
        TrendSpec total = new TrendSpec(p, "a", SeriesMath.TOTAL, null, List.of(), top2, Interval.DAY, ZoneOffset.UTC,
                Instant.parse("2026-01-05T00:00:00Z"), Instant.parse("2026-01-06T00:00:00Z"));
        expectTrends(total, Map.of("b", Map.of(day, 2.0), "c", Map.of(day, 2.0), Breakdown.OTHER, Map.of(day, 3.0)));
        // "$other ... unique_users is the number of distinct ids among them, not a sum": u1, u3, u4
        TrendSpec users = new TrendSpec(p, "a", SeriesMath.UNIQUE_USERS, null, List.of(), top2, Interval.DAY, ZoneOffset.UTC,
                Instant.parse("2026-01-05T00:00:00Z"), Instant.parse("2026-01-06T00:00:00Z"));
        expectTrends(users, Map.of("b", Map.of(day, 2.0), "c", Map.of(day, 2.0), Breakdown.OTHER, Map.of(day, 3.0)));
        // ties by smaller text: $none comes before a and d
        TrendSpec top3 = new TrendSpec(p, "a", SeriesMath.TOTAL, null, List.of(), new Breakdown(PropertyRef.parse("plan"), 3), Interval.DAY,
                ZoneOffset.UTC, Instant.parse("2026-01-05T00:00:00Z"), Instant.parse("2026-01-06T00:00:00Z"));
        expectTrends(top3, Map.of("b", Map.of(day, 2.0), "c", Map.of(day, 2.0), Breakdown.NONE, Map.of(day, 1.0), Breakdown.OTHER,
                Map.of(day, 2.0)));
    }

    @Example
    void funnelWorkedExample() {
        String p = fixedProject();
        write(track(p, "view").user("A").at("2026-01-05T10:00:00Z"), track(p, "cart").user("A").at("2026-01-05T10:05:00Z"),
                track(p, "view").user("A").at("2026-01-05T11:00:00Z"), track(p, "buy").user("A").at("2026-01-05T11:10:00Z"),
                track(p, "view").user("B").at("2026-01-05T10:00:00Z"), track(p, "buy").user("B").at("2026-01-05T10:01:00Z"),
                track(p, "cart").user("B").at("2026-01-05T10:02:00Z"));
        // "Counts: view 2, cart 2, buy 1; median time cart→buy: 3,900 s" (view→cart: A 300 s, B 120 s, upper median 300)
        expectFunnel(funnel(p, FunnelOrder.ORDERED, Duration.ofDays(1), "view", "cart", "buy"),
                new FunnelStepResult(2, 0, 0), new FunnelStepResult(2, 300, 210), new FunnelStepResult(1, 3900, 3900));
    }

    @Example
    void funnelStepsAtOneInstantDoNotConvertAndTheWindowIsInclusive() {
        String p = fixedProject();
        write(track(p, "signup").user("u1").at("2026-01-05T10:00:00Z"), track(p, "purchase").user("u1").at("2026-01-05T10:00:00Z"),
                track(p, "signup").user("u2").at("2026-01-05T10:00:00Z"), track(p, "purchase").user("u2").at("2026-01-05T10:30:00Z"),
                track(p, "signup").user("u3").at("2026-01-05T10:00:00Z"), track(p, "purchase").user("u3").at("2026-01-05T10:30:00.000001Z"));
        expectFunnel(funnel(p, FunnelOrder.ORDERED, Duration.ofMinutes(30), "signup", "purchase"),
                new FunnelStepResult(3, 0, 0), new FunnelStepResult(1, 1800, 1800));
    }

    @Example
    void funnelOrdersStrictAndUnordered() {
        String p = fixedProject();
        write(track(p, "a").user("u1").at("2026-01-05T10:00:00Z"), track(p, "other").user("u1").at("2026-01-05T10:01:00Z"),
                track(p, "b").user("u1").at("2026-01-05T10:02:00Z"),
                track(p, "a").user("u2").at("2026-01-05T10:00:00Z"), track(p, "b").user("u2").at("2026-01-05T10:03:00Z"),
                track(p, "b").user("u3").at("2026-01-05T10:00:00Z"), track(p, "a").user("u3").at("2026-01-05T10:04:00Z"));
        expectFunnel(funnel(p, FunnelOrder.ORDERED, Duration.ofHours(1), "a", "b"), new FunnelStepResult(3, 0, 0), new FunnelStepResult(2, 180, 150));
        // strict: u1 has another event between a and b
        expectFunnel(funnel(p, FunnelOrder.STRICT, Duration.ofHours(1), "a", "b"), new FunnelStepResult(3, 0, 0), new FunnelStepResult(1, 180, 180));
        // unordered: u3's b before a counts from the entry b at 10:00, and has no times between steps
        expectFunnel(funnel(p, FunnelOrder.UNORDERED, Duration.ofHours(1), "a", "b"), new FunnelStepResult(3, 0, 0), new FunnelStepResult(3, 0, 0));
    }

    @Example
    void funnelExclusionsDiscardTheChainsTheyFallInside() {
        String p = fixedProject();
        write(track(p, "a").user("u1").at("2026-01-05T10:00:00Z"), track(p, "x").user("u1").at("2026-01-05T10:01:00Z"),
                track(p, "b").user("u1").at("2026-01-05T10:02:00Z"),
                // u2's second chain has no x inside and is the one that counts
                track(p, "a").user("u2").at("2026-01-05T10:00:00Z"), track(p, "x").user("u2").at("2026-01-05T10:01:00Z"),
                track(p, "a").user("u2").at("2026-01-05T10:02:00Z"), track(p, "b").user("u2").at("2026-01-05T10:05:00Z"),
                // an x at the very time of a step is not strictly between
                track(p, "a").user("u3").at("2026-01-05T10:00:00Z"), track(p, "x").user("u3").at("2026-01-05T10:00:00Z"),
                track(p, "b").user("u3").at("2026-01-05T10:04:00Z"),
                // a chain that does not reach toStep keeps its step 1
                track(p, "a").user("u4").at("2026-01-05T10:00:00Z"), track(p, "x").user("u4").at("2026-01-05T10:01:00Z"));
        FunnelSpec spec = new FunnelSpec(p, List.of(EventMatcher.named("a"), EventMatcher.named("b")), Duration.ofHours(1), FunnelOrder.ORDERED,
                List.of(new FunnelExclusion(EventMatcher.named("x"), 1, 2)), List.of(), null, Instant.parse("2026-01-05T00:00:00Z"),
                Instant.parse("2026-01-12T00:00:00Z"));
        expectFunnel(spec, new FunnelStepResult(3, 0, 0), new FunnelStepResult(2, 240, 210));
    }

    /** The longest funnel the API allows, in every order: the SQL grows with the steps, so the size itself is tested. */
    @Example
    void twentyStepFunnelsInEveryOrderEqualTheReference() {
        String p = fixedProject();
        List<Event> events = new ArrayList<>();
        Instant start = Instant.parse("2026-01-05T10:00:00Z");
        for (int k = 1; k <= 20; k++) {
            Instant at = start.plusSeconds(60L * k);
            events.add(track(p, "s" + k).user("all-in-order").at(at.toString()));
            // another event between steps 10 and 11 breaks only the strict chain
            events.add(track(p, "s" + k).user("interrupted").at(at.plusSeconds(k > 10 ? 30 : 0).toString()));
            events.add(track(p, "s" + k).user("backwards").at(start.plusSeconds(60L * (21 - k)).toString()));
            if (k != 15) {
                events.add(track(p, "s" + k).user("no-step-15").at(at.toString()));
            }
        }
        events.add(track(p, "other").user("interrupted").at(start.plusSeconds(60L * 10 + 15).toString()));
        store().write(events, Map.of());
        ReferenceQueryEngine reference = new ReferenceQueryEngine(events);
        String[] steps = new String[20];
        for (int k = 1; k <= 20; k++) {
            steps[k - 1] = "s" + k;
        }
        for (FunnelOrder order : FunnelOrder.values()) {
            FunnelSpec spec = funnel(p, order, Duration.ofHours(1), steps);
            assertThat(AnswerDifferences.funnel(20, reference.funnel(spec), engine().funnel(spec))).as(spec::toString).isEmpty();
        }
        // ordered, by hand: all four enter, three go on to step 14, two reach step 20
        List<FunnelStepResult> ordered = engine().funnel(funnel(p, FunnelOrder.ORDERED, Duration.ofHours(1), steps)).get(QueryEngine.NO_BREAKDOWN);
        assertThat(ordered.get(0).count()).isEqualTo(4);
        assertThat(ordered.get(13).count()).isEqualTo(3);
        assertThat(ordered.get(19).count()).isEqualTo(2);
    }

    @Example
    void funnelCountsThePersonBehindAnIdentifiedAnonymousId() {
        String p = fixedProject();
        // "anonymousId a1 views a page on Monday, then signs up with identify(userId u1, anonymousId a1) on Tuesday
        // and buys on Wednesday as u1. A funnel page viewed → purchase counts one person, u1, who converted."
        write(track(p, "page viewed").anonymous("a1").at("2026-01-05T09:00:00Z"), identify(p, "u1", "a1").at("2026-01-06T09:00:00Z"),
                track(p, "purchase").user("u1").at("2026-01-07T09:00:00Z"));
        expectFunnel(funnel(p, FunnelOrder.ORDERED, Duration.ofDays(7), "page viewed", "purchase"),
                new FunnelStepResult(1, 0, 0), new FunnelStepResult(1, 172800, 172800));
    }

    @Example
    void retentionWorkedExample() {
        String p = fixedProject();
        // "U signs up Sunday 2026-03-29 23:30 local (the Monday-based week of 23 March) and logs in Monday 00:10"
        write(track(p, "signup").user("U").at("2026-03-29T21:30:00Z"), track(p, "login").user("U").at("2026-03-29T22:10:00Z"));
        RetentionSpec spec = new RetentionSpec(p, EventMatcher.named("signup"), EventMatcher.named("login"), Interval.WEEK, 2,
                CohortType.FIRST_TIME, List.of(), BERLIN, Instant.parse("2026-03-22T23:00:00Z"), Instant.parse("2026-04-05T22:00:00Z"));
        List<Cohort> expected = List.of(new Cohort(LocalDateTime.parse("2026-03-23T00:00"), 1, List.of(0L, 1L, 0L)),
                new Cohort(LocalDateTime.parse("2026-03-30T00:00"), 0, List.of(0L, 0L, 0L)));
        assertThat(AnswerDifferences.retention(expected, engine().retention(spec))).as(spec::toString).isEmpty();
    }

    private void write(Event... events) {
        store().write(List.of(events), Map.of());
    }

    private void expectTrend(TrendSpec spec, Map<LocalDateTime, Double> expected) {
        expectTrends(spec, Map.of(QueryEngine.NO_BREAKDOWN, expected));
    }

    private void expectTrends(TrendSpec spec, Map<String, Map<LocalDateTime, Double>> expected) {
        assertThat(AnswerDifferences.trend(spec.math(), expected, engine().trend(spec))).as(spec::toString).isEmpty();
    }

    private void expectFunnel(FunnelSpec spec, FunnelStepResult... expected) {
        Map<String, List<FunnelStepResult>> want = Map.of(QueryEngine.NO_BREAKDOWN, List.of(expected));
        assertThat(AnswerDifferences.funnel(spec.steps().size(), want, engine().funnel(spec))).as(spec::toString).isEmpty();
    }

    private static TrendSpec math(String project, SeriesMath math) {
        return new TrendSpec(project, "a", math, "amount", List.of(), null, Interval.DAY, ZoneOffset.UTC, Instant.parse("2026-01-05T00:00:00Z"),
                Instant.parse("2026-01-06T00:00:00Z"));
    }

    private static TrendSpec priceFilter(String project, FilterValue value) {
        return new TrendSpec(project, "b", SeriesMath.TOTAL, null, List.of(new Filter(PropertyRef.parse("price"), FilterOp.EQ, List.of(value))),
                null, Interval.DAY, ZoneOffset.UTC, Instant.parse("2026-01-05T00:00:00Z"), Instant.parse("2026-01-06T00:00:00Z"));
    }

    private static Event plan(String project, String plan, String user) {
        return track(project, "a").user(user).props(plan == null ? "{}" : "{\"plan\":\"" + plan + "\"}").at("2026-01-05T10:00:00Z");
    }

    private static FunnelSpec funnel(String project, FunnelOrder order, Duration window, String... steps) {
        return new FunnelSpec(project, Stream.of(steps).map(EventMatcher::named).toList(), window, order, List.of(), List.of(), null,
                Instant.parse("2026-01-05T00:00:00Z"), Instant.parse("2026-01-12T00:00:00Z"));
    }

    private static String fixedProject() {
        return "fixed" + PROJECTS.incrementAndGet();
    }

    // ---- the store of this class ----

    private EventStore store() {
        return open().store();
    }

    private QueryEngine engine() {
        return open().engine();
    }

    private OpenStore open() {
        return OPEN.computeIfAbsent(getClass(), type -> OpenStore.open(this));
    }

    /** A store opened in a directory of its own, and its engine. */
    private record OpenStore(Path dir, EventStore store, QueryEngine engine) {
        OpenStore {
            requireNonNull(dir, "dir is null");
            requireNonNull(store, "store is null");
            requireNonNull(engine, "engine is null");
        }

        static OpenStore open(QueryEngineContract test) {
            try {
                Path dir = Files.createTempDirectory("tally-query-contract");
                EventStore store = test.openStore(dir);
                return new OpenStore(dir, store, test.queryEngine(store));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        void close() {
            store.close();
            try (Stream<Path> paths = Files.walk(dir)) {
                for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(path);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("could not delete " + dir, e);
            }
        }
    }

    /** A stream as written to the store, and the reference engine over its events. */
    private record Written(RandomEventStream.Stream stream, ReferenceQueryEngine reference) {
    }
}
