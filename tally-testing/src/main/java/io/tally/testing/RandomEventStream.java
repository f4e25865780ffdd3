package io.tally.testing;

import static java.util.Objects.requireNonNull;

import io.tally.core.event.Event;
import io.tally.core.event.EventType;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Random but realistic event streams for {@link QueryEngineContract}: a handful of people who browse
 * anonymously, then identify (some on two devices, some through an alias, some never), doing sessions
 * of funnel-like events. The generator aims at what tends to break stores: equal timestamps, local day,
 * month and DST boundaries in Europe/Berlin, America/New_York and Asia/Kolkata, properties that are
 * numbers, numeric strings, text, null, nested or missing, and context fields such as page.url.
 *
 * <p>Numbers are integers and halves or quarters, so sums are exact in any order of addition, and
 * are written in the form every JSON library writes them back in.
 */
final class RandomEventStream {
    /** The event names of track events; a funnel of them in this order converts most often. */
    static final List<String> NAMES = List.of("signup", "view", "cart", "buy", "login");

    /** Gaps that funnel windows are made of too, so that steps land on the inclusive window bound. */
    static final List<Duration> ROUND_DURATIONS = List.of(Duration.ofSeconds(1), Duration.ofMinutes(1), Duration.ofMinutes(10),
            Duration.ofMinutes(45), Duration.ofHours(1), Duration.ofHours(6), Duration.ofHours(20), Duration.ofDays(1), Duration.ofDays(2),
            Duration.ofDays(3));

    private static final String[] PLANS = {"free", "pro", "team"};
    private static final String[] AMOUNTS = {"0", "1", "2", "3.5", "7.5", "10", "12.25", "-4", "100"};
    private static final String[] TAGS = {"{\"a\":1}", "[\"x\",\"y\"]", "{\"b\":{\"c\":true}}", "[]"};

    private final String project;
    private final Random random;
    private final Era era;
    private final List<Event> events = new ArrayList<>();
    private final List<Instant> used = new ArrayList<>();
    private int messages;

    private RandomEventStream(String project, long seed) {
        this.project = requireNonNull(project, "project is null");
        this.random = new Random(seed);
        this.era = Era.ALL.get(random.nextInt(Era.ALL.size()));
    }

    /** The events of one stream; the same project and seed give the same events. */
    static Stream generate(String project, long seed) {
        RandomEventStream generator = new RandomEventStream(project, seed);
        int people = 4 + generator.random.nextInt(6);
        for (int person = 1; person <= people; person++) {
            generator.person(person, people);
        }
        return new Stream(project, generator.era, List.copyOf(generator.events));
    }

    private void person(int person, int people) {
        boolean identified = random.nextInt(5) > 0;
        String userId = "u" + person;
        List<String> devices = new ArrayList<>(List.of("a" + person));
        if (random.nextInt(3) == 0) {
            devices.add("a" + person + "-2");
        }
        // the moment the person logs in on each device; before it they are anonymous there
        List<Instant> logins = new ArrayList<>();
        for (String device : devices) {
            Instant login = identified ? time() : Instant.MAX;
            logins.add(login);
            if (identified) {
                add(EventType.IDENTIFY, "$identify", userId, device, login, null);
            }
        }
        if (identified && random.nextInt(4) == 0) {
            // an old id from another system, linked by alias, with events of its own
            String old = "old" + person;
            add(EventType.ALIAS, "$alias", userId, null, time(), old);
            add(EventType.TRACK, pick(NAMES), null, old, time(), null);
        }
        if (random.nextInt(6) == 0) {
            // another person's device claimed by this user too: the earliest link wins, equal times by the smaller id
            String other = "a" + (1 + random.nextInt(people));
            add(EventType.IDENTIFY, "$identify", "u" + (1 + random.nextInt(people)), other, random.nextBoolean() ? time() : reuse(), null);
        }
        if (random.nextInt(12) == 0) {
            // an anonymous id used as another event's user id: links must not chain through it
            add(EventType.TRACK, "view", "a" + (1 + random.nextInt(people)), devices.get(0), time(), null);
        }
        int sessions = 1 + random.nextInt(6);
        for (int s = 0; s < sessions; s++) {
            int device = random.nextInt(devices.size());
            session(identified ? userId : null, devices.get(device), logins.get(device));
        }
    }

    /** A run of events close in time, mostly in funnel order, sometimes shuffled or with noise between. */
    private void session(String userId, String device, Instant login) {
        Instant at = time();
        int length = 1 + random.nextInt(8);
        int next = random.nextInt(2);
        for (int i = 0; i < length; i++) {
            String name = random.nextInt(4) == 0 ? pick(NAMES) : NAMES.get(Math.min(next++, NAMES.size() - 1));
            EventType type = EventType.TRACK;
            if (random.nextInt(8) == 0) {
                type = EventType.PAGE;
                name = "$page";
            }
            if (random.nextInt(3) == 0) {
                // something else in between, mostly a page view: what strict funnels and exclusions look at
                sessionEvent(random.nextInt(3) > 0 ? EventType.PAGE : EventType.TRACK, null, userId, device, login, at);
                at = at.plus(gap());
            }
            sessionEvent(type, name, userId, device, login, at);
            at = at.plus(gap());
        }
    }

    private void sessionEvent(EventType type, String name, String userId, String device, Instant login, Instant at) {
        String eventName = name != null ? name : type == EventType.PAGE ? "$page" : pick(NAMES);
        boolean loggedIn = userId != null && !at.isBefore(login);
        // logged-in events carry the user id, and some of them the device's anonymous id too
        String user = loggedIn ? userId : null;
        String anonymous = loggedIn && random.nextInt(3) > 0 ? null : device;
        add(type, eventName, user, anonymous, at, null);
    }

    private void add(EventType type, String name, String userId, String anonymousId, Instant at, String previousId) {
        String distinctId = userId != null ? userId : anonymousId;
        used.add(at);
        events.add(new Event(project, project + "-" + (++messages), type, name, distinctId, userId, anonymousId, at, at, null, null,
                null, null, previousId, properties(), "{}", context(), null, null));
    }

    /** A time in the stream's era: often near a boundary, sometimes one already used (a tie). */
    private Instant time() {
        return switch (random.nextInt(10)) {
            case 0, 1 -> reuse();
            case 2, 3, 4 -> micros(era.hotSpots().get(random.nextInt(era.hotSpots().size()))
                    .plusSeconds(random.nextInt(4 * 3600) - 2 * 3600));
            default -> micros(era.start().plusSeconds((long) (random.nextDouble() * Duration.between(era.start(), era.end()).getSeconds())));
        };
    }

    private Instant reuse() {
        return used.isEmpty() ? micros(era.start()) : used.get(random.nextInt(used.size()));
    }

    private Instant micros(Instant at) {
        return at.plus(random.nextInt(1_000_000), ChronoUnit.MICROS);
    }

    /** The time to a session's next event: nothing (a tie), a microsecond, seconds, minutes, hours, or a funnel window exactly. */
    private Duration gap() {
        return switch (random.nextInt(12)) {
            case 0 -> Duration.ZERO;
            case 1 -> Duration.of(1, ChronoUnit.MICROS);
            case 2, 3 -> Duration.ofSeconds(1 + random.nextInt(120)).plus(random.nextInt(1_000_000), ChronoUnit.MICROS);
            case 4, 5, 6 -> Duration.ofMinutes(1 + random.nextInt(90));
            case 7, 8 -> Duration.ofHours(1 + random.nextInt(30));
            case 9 -> Duration.ofDays(1 + random.nextInt(3));
            default -> pick(ROUND_DURATIONS);
        };
    }

    private String properties() {
        List<String> fields = new ArrayList<>();
        if (random.nextInt(10) < 6) {
            fields.add("\"plan\":\"" + PLANS[random.nextInt(PLANS.length)] + "\"");
        }
        int amount = random.nextInt(20);
        if (amount < 10) {
            fields.add("\"amount\":" + AMOUNTS[random.nextInt(AMOUNTS.length)]);
        } else if (amount < 12) {
            fields.add("\"amount\":\"" + AMOUNTS[random.nextInt(AMOUNTS.length)] + "\"");
        } else if (amount < 13) {
            fields.add("\"amount\":\"n/a\"");
        } else if (amount < 14) {
            fields.add("\"amount\":null");
        }
        if (random.nextInt(10) < 4) {
            fields.add("\"n\":" + random.nextInt(6));
        }
        if (random.nextInt(10) == 0) {
            fields.add("\"tags\":" + TAGS[random.nextInt(TAGS.length)]);
        }
        if (random.nextInt(7) == 0) {
            fields.add("\"flag\":" + random.nextBoolean());
        }
        if (random.nextInt(10) == 0) {
            fields.add("\"dotted.key\":\"" + (random.nextBoolean() ? "x" : "y") + "\"");
        }
        return "{" + String.join(",", fields) + "}";
    }

    private String context() {
        List<String> fields = new ArrayList<>();
        if (random.nextInt(10) < 9) {
            fields.add("\"library\":{\"name\":\"" + (random.nextBoolean() ? "web" : "ios") + "\",\"version\":\"1.2\"}");
        }
        if (random.nextInt(10) < 6) {
            int page = 1 + random.nextInt(3);
            fields.add("\"page\":{\"url\":\"https://shop.test/p" + page + "\",\"path\":\"/p" + page + "\"}");
        }
        if (random.nextInt(10) < 3) {
            fields.add("\"locale\":\"de-DE\"");
        }
        return "{" + String.join(",", fields) + "}";
    }

    private <T> T pick(List<T> values) {
        return values.get(random.nextInt(values.size()));
    }

    /** One generated stream: its project, the weeks it spans, and its events in the order they happened to be made. */
    record Stream(String project, Era era, List<Event> events) {
        Stream {
            requireNonNull(project, "project is null");
            requireNonNull(era, "era is null");
            events = List.copyOf(requireNonNull(events, "events is null"));
        }
    }

    /**
     * The weeks a stream spans and the instants near which events cluster: the 2026 DST changes in Berlin
     * and New York, and local midnights and month ends in the zones the contract queries.
     */
    record Era(Instant start, Instant end, List<Instant> hotSpots) {
        static final List<Era> ALL = List.of(
                new Era(Instant.parse("2026-03-20T00:00:00Z"), Instant.parse("2026-04-06T00:00:00Z"), List.of(
                        Instant.parse("2026-03-29T01:00:00Z"), // Berlin springs forward: 02:00 CET is 03:00 CEST
                        Instant.parse("2026-03-28T23:00:00Z"), // Berlin midnight of the 23-hour day
                        Instant.parse("2026-03-29T22:00:00Z"), // and its end
                        Instant.parse("2026-03-31T22:00:00Z"), // Berlin's April begins
                        Instant.parse("2026-03-29T18:30:00Z"), // Kolkata midnight
                        Instant.parse("2026-03-30T04:00:00Z"))), // New York midnight, Monday
                new Era(Instant.parse("2026-10-17T00:00:00Z"), Instant.parse("2026-11-05T00:00:00Z"), List.of(
                        Instant.parse("2026-10-25T01:00:00Z"), // Berlin falls back: 02:00-03:00 local happens twice
                        Instant.parse("2026-10-24T22:00:00Z"), // Berlin midnight of the 25-hour day
                        Instant.parse("2026-10-31T23:00:00Z"), // Berlin's November begins
                        Instant.parse("2026-11-01T06:00:00Z"), // New York falls back
                        Instant.parse("2026-11-01T04:00:00Z"), // New York's November begins
                        Instant.parse("2026-10-25T18:30:00Z")))); // Kolkata midnight

        Era {
            requireNonNull(start, "start is null");
            requireNonNull(end, "end is null");
            hotSpots = List.copyOf(requireNonNull(hotSpots, "hotSpots is null"));
        }
    }
}
