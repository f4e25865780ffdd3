package io.tally.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tally.core.event.Event;
import io.tally.core.event.EventType;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class QueryCacheTest {
    private static final Instant JAN = Instant.parse("2026-01-01T00:00:00Z");
    private static final Instant FEB = Instant.parse("2026-02-01T00:00:00Z");

    private static Event event(String project, Instant at) {
        return new Event(project, "m", EventType.TRACK, "e", "u", "u", null, at, at, null, null, null, null, null, "{}", "{}", "{}", null, null);
    }

    @Test
    void anIdenticalQuestionIsAnsweredFromTheCache() {
        QueryCache cache = new QueryCache(Duration.ofSeconds(60));
        AtomicInteger runs = new AtomicInteger();
        QueryCache.Answer<Integer> first = cache.get("p", "q", JAN, FEB, runs::incrementAndGet);
        QueryCache.Answer<Integer> second = cache.get("p", "q", JAN, FEB, runs::incrementAndGet);
        assertThat(first.cached()).isFalse();
        assertThat(second.cached()).isTrue();
        assertThat(second.value()).isEqualTo(1);
        assertThat(runs).hasValue(1);
        assertThat(cache.get("other", "q", JAN, FEB, runs::incrementAndGet).cached()).as("another project").isFalse();
    }

    @Test
    void anAnswerIsServedWithItsAgeUntilTheBoundAndComputedAgainAfter() {
        AtomicLong nanos = new AtomicLong();
        QueryCache cache = new QueryCache(Duration.ofSeconds(60), nanos::get);
        AtomicInteger runs = new AtomicInteger();
        cache.get("p", "q", JAN, FEB, runs::incrementAndGet);

        nanos.addAndGet(Duration.ofSeconds(59).toNanos());
        QueryCache.Answer<Integer> young = cache.get("p", "q", JAN, FEB, runs::incrementAndGet);
        assertThat(young.cached()).isTrue();
        assertThat(young.ageMillis()).isEqualTo(59_000);

        nanos.addAndGet(Duration.ofSeconds(2).toNanos());
        QueryCache.Answer<Integer> expired = cache.get("p", "q", JAN, FEB, runs::incrementAndGet);
        assertThat(expired.cached()).isFalse();
        assertThat(expired.ageMillis()).isZero();
        assertThat(expired.value()).isEqualTo(2);
    }

    @Test
    void newEventsInsideTheRangeDropTheAnswerAndEventsOutsideDoNot() {
        QueryCache cache = new QueryCache(Duration.ofSeconds(60));
        AtomicInteger runs = new AtomicInteger();
        cache.get("p", "q", JAN, FEB, runs::incrementAndGet);
        cache.eventsStored(List.of(event("p", FEB.plusSeconds(10)), event("other", JAN.plusSeconds(10))));
        assertThat(cache.get("p", "q", JAN, FEB, runs::incrementAndGet).cached()).isTrue();
        cache.eventsStored(List.of(event("p", JAN.plusSeconds(10))));
        QueryCache.Answer<Integer> after = cache.get("p", "q", JAN, FEB, runs::incrementAndGet);
        assertThat(after.cached()).isFalse();
        assertThat(after.value()).isEqualTo(2);
    }

    @Test
    void eventsStoredWhileTheAnswerWasComputedMakeItStale() {
        QueryCache cache = new QueryCache(Duration.ofSeconds(60));
        AtomicInteger runs = new AtomicInteger();
        cache.get("p", "q", JAN, FEB, () -> {
            // the loader stores an event of the range while the store is being read
            cache.eventsStored(List.of(event("p", JAN.plusSeconds(1))));
            return runs.incrementAndGet();
        });
        QueryCache.Answer<Integer> next = cache.get("p", "q", JAN, FEB, runs::incrementAndGet);
        assertThat(next.cached()).isFalse();
        assertThat(next.value()).isEqualTo(2);
    }

    @Test
    void concurrentIdenticalQuestionsRunOnce() throws Exception {
        QueryCache cache = new QueryCache(Duration.ofSeconds(60));
        AtomicInteger runs = new AtomicInteger();
        CountDownLatch release = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<QueryCache.Answer<Integer>>> answers = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                answers.add(pool.submit(() -> cache.get("p", "q", JAN, FEB, () -> {
                    await(release);
                    return runs.incrementAndGet();
                })));
            }
            Thread.sleep(200);
            release.countDown();
            for (Future<QueryCache.Answer<Integer>> a : answers) {
                assertThat(a.get(10, TimeUnit.SECONDS).value()).isEqualTo(1);
            }
            assertThat(runs).hasValue(1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void zeroTurnsTheCacheOffAndTheBoundIsFiveMinutes() {
        QueryCache off = new QueryCache(Duration.ZERO);
        AtomicInteger runs = new AtomicInteger();
        off.get("p", "q", JAN, FEB, runs::incrementAndGet);
        assertThat(off.get("p", "q", JAN, FEB, runs::incrementAndGet).cached()).isFalse();
        assertThat(runs).hasValue(2);
        assertThatThrownBy(() -> new QueryCache(Duration.ofMinutes(6))).hasMessageContaining("PT5M");
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
