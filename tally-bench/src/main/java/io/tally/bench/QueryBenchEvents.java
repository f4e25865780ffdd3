package io.tally.bench;

import io.tally.core.event.Event;
import io.tally.core.event.EventType;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.stream.IntStream;

/**
 * The query benchmark's events. People act over 91 days: page views mostly, then signups, checkouts,
 * purchases and logins. Seven in ten log in at some point; before that their events carry only an
 * anonymous id, and an identify links the two, so people-level questions have real work to do. People
 * sit on a half-normal curve, so a few own thousands of events.
 *
 * <p>The events are drawn first, as columns of numbers, and handed out after: in the order they were
 * drawn ({@link Order#RANDOM}: every stretch of the load spans all 91 days) or in time order
 * ({@link Order#TIME}: as Tally's loader writes events that arrive as they happen). Both orders give
 * the very same events, ids included, so a store loaded one way answers exactly like one loaded the
 * other way; only the layout on disk differs.
 */
final class QueryBenchEvents {
    static final String PROJECT = "bench";
    static final Instant END = Instant.parse("2026-11-01T00:00:00Z");
    static final Instant START = END.minus(Duration.ofDays(91));
    private static final long SPAN_SECONDS = 91L * 86_400;
    private static final String[] PLANS = {"free", "pro", "team", "enterprise", "trial", "student", "nonprofit"};
    private static final String[] NAMES = {"page_viewed", "signup", "checkout_started", "purchase", "login"};

    enum Order { RANDOM, TIME }

    private final int events;
    private final int people;
    // one entry per drawn event; a purchase has a price in cents, other events -1
    private final int[] person;
    private final long[] second;
    private final int[] micros;
    private final byte[] name;
    private final byte[] plan;
    private final int[] priceCents;
    private final short[] path;
    /** When each person logged in (epoch second), or Long.MAX_VALUE for those who never do. */
    private final long[] identifiedAt;

    private QueryBenchEvents(int events, int people) {
        this.events = events;
        this.people = people;
        person = new int[events];
        second = new long[events];
        micros = new int[events];
        name = new byte[events];
        plan = new byte[events];
        priceCents = new int[events];
        path = new short[events];
        identifiedAt = new long[people];
    }

    /** Draws the events; the same arguments always give the same events. */
    static QueryBenchEvents draw(int events, int people) {
        QueryBenchEvents e = new QueryBenchEvents(events, people);
        SplittableRandom random = new SplittableRandom(42);
        for (int p = 0; p < people; p++) {
            e.identifiedAt[p] = random.nextInt(10) < 7 ? START.getEpochSecond() + random.nextLong(SPAN_SECONDS) : Long.MAX_VALUE;
        }
        for (int i = 0; i < events; i++) {
            e.person[i] = (int) Math.min(people - 1, Math.abs(random.nextGaussian()) * people / 3);
            e.second[i] = START.getEpochSecond() + random.nextLong(SPAN_SECONDS);
            int kind = random.nextInt(100);
            e.name[i] = (byte) (kind < 55 ? 0 : kind < 63 ? 1 : kind < 73 ? 2 : kind < 80 ? 3 : 4);
            e.micros[i] = random.nextInt(1_000_000);
            e.plan[i] = (byte) Math.min(PLANS.length - 1, (int) Math.abs(random.nextGaussian() * 2));
            e.priceCents[i] = e.name[i] == 3 ? random.nextInt(20_000) : -1;
            e.path[i] = (short) random.nextInt(500);
        }
        return e;
    }

    /**
     * Hands every event to {@code sink} in {@code order}: each drawn event (followed by an identify at
     * the same instant when the person logs in at that very second), and each identified person's
     * identify at the moment they logged in.
     */
    void emit(Order order, Consumer<Event> sink) {
        if (order == Order.RANDOM) {
            for (int i = 0; i < events; i++) {
                emitDrawn(i, sink);
            }
            for (int p = 0; p < people; p++) {
                emitIdentify(p, sink);
            }
            return;
        }
        // indices below `events` are drawn events, the rest one identify per person; ties keep that order
        int[] byTime = IntStream.range(0, events + people).boxed()
                .sorted(Comparator.comparingLong(this::microsOf))
                .mapToInt(Integer::intValue).toArray();
        for (int index : byTime) {
            if (index < events) {
                emitDrawn(index, sink);
            } else {
                emitIdentify(index - events, sink);
            }
        }
    }

    /** Microseconds since START of an index of {@link #emit}; Long.MAX_VALUE for a person who never logs in. */
    private long microsOf(int index) {
        if (index < events) {
            return (second[index] - START.getEpochSecond()) * 1_000_000 + micros[index];
        }
        long at = identifiedAt[index - events];
        return at == Long.MAX_VALUE ? Long.MAX_VALUE : (at - START.getEpochSecond()) * 1_000_000;
    }

    private void emitDrawn(int i, Consumer<Event> sink) {
        int p = person[i];
        long at = second[i];
        boolean known = at >= identifiedAt[p];
        Instant ts = Instant.ofEpochSecond(at, micros[i] * 1_000L);
        String properties = "{\"plan\":\"" + PLANS[plan[i]] + "\"" + (priceCents[i] >= 0 ? ",\"price\":" + (priceCents[i] / 100.0) : "") + "}";
        String context = "{\"page\":{\"path\":\"/p/" + path[i] + "\"},\"library\":{\"name\":\"analytics.js\"}}";
        sink.accept(event(i, EventType.TRACK, NAMES[name[i]], known ? "user-" + p : null, "anon-" + p, ts, properties, context));
        if (identifiedAt[p] == at) {
            sink.accept(event(-i - 1, EventType.IDENTIFY, "$identify", "user-" + p, "anon-" + p, ts, "{}", "{}"));
        }
    }

    private void emitIdentify(int p, Consumer<Event> sink) {
        if (identifiedAt[p] != Long.MAX_VALUE) {
            sink.accept(event(events + p, EventType.IDENTIFY, "$identify", "user-" + p, "anon-" + p,
                    Instant.ofEpochSecond(identifiedAt[p]), "{}", "{}"));
        }
    }

    private static Event event(long n, EventType type, String name, String userId, String anonymousId, Instant ts,
                               String properties, String context) {
        String id = new UUID(0x7a11_0000_0000_4000L, 0x8000_0000_0000_0000L | n).toString();
        return new Event(PROJECT, id, type, name, userId != null ? userId : anonymousId, userId, anonymousId, ts, ts, null, null,
                null, null, null, properties, "{}", context, "10.0.0.1", "bench");
    }
}
