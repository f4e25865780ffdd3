package io.tally.testing;

import static java.util.Objects.requireNonNull;

import io.tally.core.query.Breakdown;
import io.tally.core.query.CohortType;
import io.tally.core.query.EventMatcher;
import io.tally.core.query.Filter;
import io.tally.core.query.FilterOp;
import io.tally.core.query.FilterValue;
import io.tally.core.query.FunnelExclusion;
import io.tally.core.query.FunnelOrder;
import io.tally.core.query.FunnelSpec;
import io.tally.core.query.Interval;
import io.tally.core.query.PropertyRef;
import io.tally.core.query.RetentionSpec;
import io.tally.core.query.SeriesMath;
import io.tally.core.query.TrendSpec;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

/**
 * Random trend, funnel and retention questions about one {@link RandomEventStream.Stream}: every math,
 * interval, funnel order and cohort type, with and without filters and breakdowns, over ranges that are
 * local dates or arbitrary instants in four time zones.
 */
final class RandomQuerySpecs {
    private static final List<ZoneId> ZONES = List.of(ZoneOffset.UTC, ZoneId.of("Europe/Berlin"), ZoneId.of("America/New_York"),
            ZoneId.of("Asia/Kolkata"));
    private static final List<String> EVENT_NAMES = List.of("signup", "view", "cart", "buy", "login", "$page", "$identify");
    /** Windows from a second to two weeks, mostly as long as some of the generator's gaps, to meet the inclusive bound. */
    private static final List<Duration> WINDOWS = Stream.concat(RandomEventStream.ROUND_DURATIONS.stream(), Stream.of(Duration.ofDays(14))).toList();
    /** Conditions on every kind of value the generator writes: text, numbers, numeric strings, null, nested, ids. */
    private static final List<Filter> FILTERS = List.of(
            filter("plan", FilterOp.EQ, FilterValue.text("pro")),
            filter("properties.plan", FilterOp.NEQ, FilterValue.text("free")),
            filter("plan", FilterOp.IN, FilterValue.text("pro"), FilterValue.text("team")),
            filter("plan", FilterOp.NOT_IN, FilterValue.text("pro")),
            filter("plan", FilterOp.CONTAINS, FilterValue.text("e")),
            filter("plan", FilterOp.IS_SET),
            filter("plan", FilterOp.IS_NOT_SET),
            filter("amount", FilterOp.GT, FilterValue.number("5")),
            filter("amount", FilterOp.LTE, FilterValue.number("3.5")),
            filter("amount", FilterOp.GTE, FilterValue.number("0")),
            filter("amount", FilterOp.LT, FilterValue.number("10.0")),
            filter("amount", FilterOp.EQ, FilterValue.number("7.50")),
            filter("amount", FilterOp.EQ, FilterValue.text("7.5")),
            filter("amount", FilterOp.IN, FilterValue.number("10"), FilterValue.text("n/a")),
            filter("amount", FilterOp.NEQ, FilterValue.text("null")),
            filter("amount", FilterOp.IS_SET),
            filter("n", FilterOp.EQ, FilterValue.number("3")),
            filter("n", FilterOp.NOT_IN, FilterValue.text("2"), FilterValue.number("4")),
            filter("tags", FilterOp.EQ, FilterValue.text("{\"a\":1}")),
            filter("tags", FilterOp.CONTAINS, FilterValue.text("x")),
            filter("tags", FilterOp.NOT_CONTAINS, FilterValue.text("true")),
            filter("flag", FilterOp.EQ, FilterValue.text("true")),
            filter("properties.dotted.key", FilterOp.EQ, FilterValue.text("x")),
            filter("context.page.url", FilterOp.CONTAINS, FilterValue.text("/p1")),
            filter("context.page.url", FilterOp.NOT_CONTAINS, FilterValue.text("p2")),
            filter("context.page.path", FilterOp.EQ, FilterValue.text("/p3")),
            filter("context.page", FilterOp.IS_SET),
            filter("context.library.name", FilterOp.EQ, FilterValue.text("ios")),
            filter("context.locale", FilterOp.IS_NOT_SET),
            filter("distinctId", FilterOp.NEQ, FilterValue.text("u1")),
            filter("userId", FilterOp.IS_SET),
            filter("anonymousId", FilterOp.IS_NOT_SET),
            filter("event", FilterOp.NOT_IN, FilterValue.text("login")));
    private static final List<String> BREAKDOWNS = List.of("plan", "amount", "n", "tags", "flag", "properties.dotted.key",
            "context.library.name", "context.page.url", "context.page", "distinctId", "userId", "event");

    private final Random random;
    private final RandomEventStream.Stream stream;

    RandomQuerySpecs(Random random, RandomEventStream.Stream stream) {
        this.random = requireNonNull(random, "random is null");
        this.stream = requireNonNull(stream, "stream is null");
    }

    TrendSpec trend() {
        SeriesMath math = pick(List.of(SeriesMath.values()));
        String property = math.needsProperty() ? (random.nextInt(4) == 0 ? "n" : "amount") : null;
        ZoneId zone = pick(ZONES);
        Range range = range(zone);
        return new TrendSpec(stream.project(), eventName(), math, property, filters(), breakdown(), pick(List.of(Interval.values())), zone,
                range.from(), range.to());
    }

    FunnelSpec funnel() {
        int size = 2 + random.nextInt(3);
        List<EventMatcher> steps = new ArrayList<>();
        // mostly steps in the order sessions do them, so that chains get deep
        int start = random.nextInt(RandomEventStream.NAMES.size() - 1);
        for (int i = 0; i < size; i++) {
            String name = random.nextInt(6) == 0 ? eventName() : RandomEventStream.NAMES.get(Math.min(start + i, RandomEventStream.NAMES.size() - 1));
            steps.add(new EventMatcher(name, random.nextInt(5) == 0 ? List.of(pick(FILTERS)) : List.of()));
        }
        FunnelOrder order = pick(List.of(FunnelOrder.values()));
        List<FunnelExclusion> exclusions = new ArrayList<>();
        if (order != FunnelOrder.UNORDERED && random.nextBoolean()) {
            int from = 1 + random.nextInt(size - 1);
            int to = from + 1 + random.nextInt(size - from);
            // page views are the generator's usual noise between steps
            String name = random.nextBoolean() ? "$page" : eventName();
            exclusions.add(new FunnelExclusion(new EventMatcher(name, random.nextInt(4) == 0 ? List.of(pick(FILTERS)) : List.of()), from, to));
        }
        // entries must lie in the range, so funnels ask about the whole stream more often
        Range range = random.nextBoolean() ? whole() : range(pick(ZONES));
        // one filter at most: a filter applies to every step, and two leave few chains
        List<Filter> filters = random.nextInt(3) == 0 ? List.of(pick(FILTERS)) : List.of();
        return new FunnelSpec(stream.project(), steps, pick(WINDOWS), order, exclusions, filters, breakdown(), range.from(), range.to());
    }

    RetentionSpec retention() {
        Interval period = pick(List.of(Interval.DAY, Interval.WEEK, Interval.MONTH));
        EventMatcher start = new EventMatcher(pick(RandomEventStream.NAMES), random.nextInt(5) == 0 ? List.of(pick(FILTERS)) : List.of());
        EventMatcher back = random.nextInt(5) == 0 ? start
                : new EventMatcher(pick(RandomEventStream.NAMES), random.nextInt(5) == 0 ? List.of(pick(FILTERS)) : List.of());
        ZoneId zone = pick(ZONES);
        Range range = range(zone);
        return new RetentionSpec(stream.project(), start, back, period, 1 + random.nextInt(period == Interval.DAY ? 10 : 4),
                pick(List.of(CohortType.values())), filters(), zone, range.from(), range.to());
    }

    /** Local dates as the API takes them (dateTo inclusive), arbitrary instants, or all of the era. */
    private Range range(ZoneId zone) {
        Instant start = stream.era().start();
        long eraDays = Duration.between(start, stream.era().end()).toDays();
        return switch (random.nextInt(3)) {
            case 0 -> {
                LocalDate from = LocalDate.ofInstant(start, zone).plusDays(random.nextInt((int) eraDays));
                LocalDate to = from.plusDays(1 + random.nextInt(10));
                yield new Range(from.atStartOfDay(zone).toInstant(), to.atStartOfDay(zone).toInstant());
            }
            case 1 -> {
                Instant from = start.plusSeconds(random.nextInt((int) Duration.ofDays(eraDays).getSeconds()));
                yield new Range(from, from.plusSeconds(3600 + random.nextInt((int) Duration.ofDays(8).getSeconds())));
            }
            default -> whole();
        };
    }

    private Range whole() {
        return new Range(stream.era().start().minus(Duration.ofDays(1)), stream.era().end().plus(Duration.ofDays(1)));
    }

    private List<Filter> filters() {
        int count = random.nextInt(2) == 0 ? 0 : 1 + random.nextInt(2);
        List<Filter> filters = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            filters.add(pick(FILTERS));
        }
        return filters;
    }

    private Breakdown breakdown() {
        if (random.nextInt(5) < 3) {
            return null;
        }
        return new Breakdown(PropertyRef.parse(pick(BREAKDOWNS)), random.nextInt(6) == 0 ? 10 : 1 + random.nextInt(4));
    }

    private String eventName() {
        return pick(EVENT_NAMES);
    }

    private <T> T pick(List<T> values) {
        return values.get(random.nextInt(values.size()));
    }

    private static Filter filter(String property, FilterOp op, FilterValue... values) {
        return new Filter(PropertyRef.parse(property), op, List.of(values));
    }

    private record Range(Instant from, Instant to) {
    }
}
