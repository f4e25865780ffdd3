package io.tally.query;

import static java.util.Objects.requireNonNull;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import io.tally.core.event.Event;
import java.time.Duration;
import java.time.Instant;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Answers kept for a short time, so that a dashboard of twenty charts opened by ten people costs twenty
 * queries, not two hundred.
 *
 * <p>An answer is served from here while it is younger than {@link #maxAge} (default 60 s, never more
 * than 5 minutes) and no event stored since could change it: the loader reports every stored batch
 * ({@link #eventsStored}), which drops the project's answers whose time range the batch's events fall
 * in. A process without a loader (a query-only role) relies on the age bound alone. Identical
 * questions asked at the same time run once: the others wait for the first one's answer.
 */
public final class QueryCache {
    public static final Duration DEFAULT_MAX_AGE = Duration.ofSeconds(60);
    public static final Duration LIMIT_MAX_AGE = Duration.ofMinutes(5);
    private static final long MAX_ENTRIES = 10_000;
    private static final int MAX_WRITES = 10_000;

    private final Duration maxAge;
    private final Cache<Key, Entry> cache;
    private final Map<String, Deque<WriteSpan>> recentWrites = new ConcurrentHashMap<>();
    /** The clock of ages and expiry, in nanoseconds; tests move it by hand. */
    private final Ticker ticker;

    /** @param maxAge how long an answer may be served; zero turns the cache off */
    public QueryCache(Duration maxAge) {
        this(maxAge, Ticker.systemTicker());
    }

    QueryCache(Duration maxAge, Ticker ticker) {
        requireNonNull(maxAge, "maxAge is null");
        this.ticker = requireNonNull(ticker, "ticker is null");
        if (maxAge.isNegative() || maxAge.compareTo(LIMIT_MAX_AGE) > 0) {
            throw new IllegalArgumentException("query cache max age must be between 0 and " + LIMIT_MAX_AGE + ", was " + maxAge);
        }
        this.maxAge = maxAge;
        this.cache = Caffeine.newBuilder().ticker(ticker).maximumSize(MAX_ENTRIES).expireAfterWrite(maxAge.isZero() ? Duration.ofNanos(1) : maxAge).build();
    }

    public Duration maxAge() {
        return maxAge;
    }

    /**
     * The answer to {@code question} about {@code project}, computed by {@code compute} unless a fresh
     * one is here.
     *
     * @param dependsFrom the earliest event time the answer depends on
     * @param dependsTo the end (exclusive) of the event times it depends on; {@link Instant#MAX} for "any later"
     */
    public <T> Answer<T> get(String project, Object question, Instant dependsFrom, Instant dependsTo, Supplier<T> compute) {
        if (maxAge.isZero()) {
            return new Answer<>(compute.get(), false, 0);
        }
        Key key = new Key(project, question);
        boolean[] computedHere = {false};
        Function<Key, Entry> load = k -> {
            computedHere[0] = true;
            long startedAt = ticker.read();
            return new Entry(compute.get(), startedAt, dependsFrom, dependsTo);
        };
        Entry entry = cache.get(key, load);
        if (!computedHere[0] && changedSince(project, entry)) {
            // events stored while this answer was being computed, which the eager drop could not see yet
            cache.asMap().remove(key, entry);
            entry = cache.get(key, load);
        }
        @SuppressWarnings("unchecked")
        T value = (T) entry.value();
        long ageMillis = (ticker.read() - entry.computedAtNanos()) / 1_000_000;
        return new Answer<>(value, !computedHere[0], computedHere[0] ? 0 : ageMillis);
    }

    /** Drops the answers these newly stored events fall into. Called on the loader thread after each write. */
    public void eventsStored(List<Event> events) {
        if (maxAge.isZero() || events.isEmpty()) {
            return;
        }
        long now = ticker.read();
        Map<String, Instant[]> spans = new HashMap<>();
        for (Event e : events) {
            Instant[] span = spans.computeIfAbsent(e.project(), p -> new Instant[] {e.timestamp(), e.timestamp()});
            if (e.timestamp().isBefore(span[0])) {
                span[0] = e.timestamp();
            }
            if (e.timestamp().isAfter(span[1])) {
                span[1] = e.timestamp();
            }
        }
        spans.forEach((project, span) -> {
            Deque<WriteSpan> writes = recentWrites.computeIfAbsent(project, p -> new ConcurrentLinkedDeque<>());
            writes.addLast(new WriteSpan(now, span[0], span[1]));
            // an answer older than maxAge is gone anyway, so older writes no longer matter
            while (!writes.isEmpty() && (now - writes.peekFirst().atNanos() > maxAge.toNanos() || writes.size() > MAX_WRITES)) {
                writes.pollFirst();
            }
        });
        cache.asMap().entrySet().removeIf(entry -> {
            Instant[] span = spans.get(entry.getKey().project());
            return span != null && !span[1].isBefore(entry.getValue().dependsFrom()) && span[0].isBefore(entry.getValue().dependsTo());
        });
    }

    /** Whether events stored after the answer started being computed fall into its range. */
    private boolean changedSince(String project, Entry entry) {
        Deque<WriteSpan> writes = recentWrites.get(project);
        if (writes == null) {
            return false;
        }
        for (WriteSpan w : writes) {
            if (w.atNanos() - entry.computedAtNanos() > 0 && !w.to().isBefore(entry.dependsFrom()) && w.from().isBefore(entry.dependsTo())) {
                return true;
            }
        }
        return false;
    }

    /** @param ageMillis how old the answer is; 0 when computed for this call */
    public record Answer<T>(T value, boolean cached, long ageMillis) {
    }

    private record Key(String project, Object question) {
    }

    /** @param computedAtNanos when computing started: events stored after it may be missing */
    private record Entry(Object value, long computedAtNanos, Instant dependsFrom, Instant dependsTo) {
    }

    /** The event times of one stored batch of a project, and when it was stored. */
    private record WriteSpan(long atNanos, Instant from, Instant to) {
    }
}
