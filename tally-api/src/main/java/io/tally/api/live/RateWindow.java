package io.tally.api.live;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.OptionalDouble;

/**
 * A per-second rate from a growing total, sampled whenever someone asks: the rate over the last
 * {@code span} (or what is known of it). Sampling on demand needs no thread of its own; the panel
 * polls every few seconds, and several viewers simply add samples.
 */
final class RateWindow {
    /** Samples closer together than this are merged, so a burst of polls cannot flood the window. */
    private static final Duration MIN_SPACING = Duration.ofMillis(250);
    /** A rate over less than this is mostly noise; the first answers report none. */
    private static final Duration MIN_ELAPSED = Duration.ofMillis(500);
    private static final int MAX_SAMPLES = 256;

    private record Sample(Instant at, long total) {
    }

    private final Duration span;
    private final Deque<Sample> samples = new ArrayDeque<>();

    RateWindow(Duration span) {
        this.span = requireNonNull(span, "span is null");
        if (span.compareTo(MIN_ELAPSED) <= 0) {
            throw new IllegalArgumentException("span must be longer than " + MIN_ELAPSED + ": " + span);
        }
    }

    /** Records {@code total} at {@code now} and returns the rate per second since the oldest sample within the span. */
    synchronized OptionalDouble update(Instant now, long total) {
        Sample last = samples.peekLast();
        if (last != null && (total < last.total() || now.isBefore(last.at()))) {
            // a counter that went back (a restarted registry) or a clock step: start over
            samples.clear();
            last = null;
        }
        if (last == null || Duration.between(last.at(), now).compareTo(MIN_SPACING) >= 0) {
            samples.addLast(new Sample(now, total));
        }
        // keep one sample at or beyond the span as the base of the rate
        while (samples.size() > 2 && !Duration.between(secondOldest().at(), now).minus(span).isNegative()) {
            samples.removeFirst();
        }
        while (samples.size() > MAX_SAMPLES) {
            samples.removeFirst();
        }
        Sample base = samples.peekFirst();
        Duration elapsed = Duration.between(base.at(), now);
        if (elapsed.compareTo(MIN_ELAPSED) < 0) {
            return OptionalDouble.empty();
        }
        return OptionalDouble.of((total - base.total()) / (elapsed.toNanos() / 1e9));
    }

    private Sample secondOldest() {
        var iterator = samples.iterator();
        iterator.next();
        return iterator.next();
    }
}
