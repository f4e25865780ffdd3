package io.tally.query.reference;

import io.tally.core.event.Event;
import io.tally.core.query.Breakdown;
import io.tally.core.query.EventMatcher;
import io.tally.core.query.FunnelExclusion;
import io.tally.core.query.FunnelOrder;
import io.tally.core.query.FunnelSpec;
import io.tally.core.query.FunnelStepResult;
import io.tally.core.spi.QueryEngine;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Funnels as the "Funnels" section of docs/queries.md defines them. */
final class ReferenceFunnels {
    private ReferenceFunnels() {
    }

    /** Per breakdown value, one result per step (steps nobody reached included). */
    static Map<String, List<FunnelStepResult>> funnel(FunnelSpec spec, List<Event> projectEvents) {
        People people = new People(projectEvents);
        Map<String, List<Event>> eventsByPerson = new TreeMap<>();
        for (Event event : projectEvents) {
            eventsByPerson.computeIfAbsent(people.personOf(event), k -> new ArrayList<>()).add(event);
        }
        List<Chain> best = new ArrayList<>();
        for (List<Event> events : eventsByPerson.values()) {
            events.sort(Comparator.comparing(Event::timestamp));
            Chain chain = bestChain(spec, events);
            if (chain != null) {
                best.add(chain);
            }
        }
        Map<String, List<Chain>> groups = group(spec, best);
        Map<String, List<FunnelStepResult>> result = new LinkedHashMap<>();
        groups.forEach((value, chains) -> result.put(value, steps(spec, chains)));
        return result;
    }

    /**
     * "A person's best chain is the one that reaches the deepest step; among equals, the one with the
     * earliest entry." Entries at one time build the same chain; when they differ in the breakdown value,
     * the smaller text is taken so that the answer does not depend on the order events were stored in.
     *
     * @param everything all of the person's events, by time
     * @return null when no chain reaches step 1
     */
    private static Chain bestChain(FunnelSpec spec, List<Event> everything) {
        // "A person's events are the events of that person that pass the query's filters."
        List<Event> events = new ArrayList<>();
        for (Event event : everything) {
            if (EventFilters.passAll(event, spec.filters())) {
                events.add(event);
            }
        }
        Comparator<Chain> better = Comparator.comparingInt(Chain::depth).reversed()
                .thenComparing(c -> c.entry().timestamp())
                .thenComparing(c -> breakdownValue(spec, c.entry()));
        Chain best = null;
        for (Event entry : events) {
            if (!inRange(spec, entry)) {
                continue;
            }
            Chain chain = spec.order() == FunnelOrder.UNORDERED ? unordered(spec, events, entry) : ordered(spec, events, everything, entry);
            if (chain != null && chain.depth() > 0 && (best == null || better.compare(chain, best) < 0)) {
                best = chain;
            }
        }
        return best;
    }

    /**
     * Ordered and strict: "step i+1 is the earliest event matching step i+1 strictly after step i's event
     * and no later than t(e₁) + window ... The chain stops at the first step it cannot fill."
     *
     * @return null when the entry does not match step 1 or an exclusion discards the chain
     */
    private static Chain ordered(FunnelSpec spec, List<Event> events, List<Event> everything, Event entry) {
        if (!EventFilters.matches(entry, spec.steps().get(0), spec.filters())) {
            return null;
        }
        Instant deadline = entry.timestamp().plus(spec.window());
        List<Instant> times = new ArrayList<>(List.of(entry.timestamp()));
        for (int step = 1; step < spec.steps().size(); step++) {
            Instant previous = times.get(times.size() - 1);
            Instant next = earliestMatch(events, spec.steps().get(step), spec, previous, deadline);
            if (next == null) {
                break;
            }
            // strict: "no event of that person — of any name, whether or not it passes the filters — lies strictly between"
            if (spec.order() == FunnelOrder.STRICT && anyStrictlyBetween(everything, previous, next)) {
                break;
            }
            times.add(next);
        }
        for (FunnelExclusion exclusion : spec.exclusions()) {
            // "A chain that did not reach toStep is not affected by that exclusion."
            if (times.size() >= exclusion.toStep() && anyMatchStrictlyBetween(events, exclusion.matcher(), spec,
                    times.get(exclusion.fromStep() - 1), times.get(exclusion.toStep() - 1))) {
                return null;
            }
        }
        return new Chain(entry, times.size(), List.copyOf(times));
    }

    /**
     * "the person reaches step k from that entry if every one of steps 1..k has a matching event in
     * [t₀, t₀ + window]. One event may fill several steps."
     *
     * @return null when the entry matches no step
     */
    private static Chain unordered(FunnelSpec spec, List<Event> events, Event entry) {
        boolean matchesAStep = false;
        for (EventMatcher step : spec.steps()) {
            matchesAStep |= EventFilters.matches(entry, step, spec.filters());
        }
        if (!matchesAStep) {
            return null;
        }
        Instant start = entry.timestamp();
        Instant end = start.plus(spec.window());
        int depth = 0;
        for (EventMatcher step : spec.steps()) {
            boolean found = false;
            for (Event event : events) {
                found |= !event.timestamp().isBefore(start) && !event.timestamp().isAfter(end) && EventFilters.matches(event, step, spec.filters());
            }
            if (!found) {
                break;
            }
            depth++;
        }
        return new Chain(entry, depth, List.of());
    }

    /** The time of the earliest matching event with {@code after < t <= deadline} (the window bound is inclusive). */
    private static Instant earliestMatch(List<Event> events, EventMatcher step, FunnelSpec spec, Instant after, Instant deadline) {
        for (Event event : events) {
            if (event.timestamp().isAfter(after) && !event.timestamp().isAfter(deadline) && EventFilters.matches(event, step, spec.filters())) {
                return event.timestamp();
            }
        }
        return null;
    }

    private static boolean anyStrictlyBetween(List<Event> events, Instant after, Instant before) {
        for (Event event : events) {
            if (event.timestamp().isAfter(after) && event.timestamp().isBefore(before)) {
                return true;
            }
        }
        return false;
    }

    /** "an event matching the exclusion lies strictly after its fromStep event and strictly before its toStep event" */
    private static boolean anyMatchStrictlyBetween(List<Event> events, EventMatcher exclusion, FunnelSpec spec, Instant after, Instant before) {
        for (Event event : events) {
            if (event.timestamp().isAfter(after) && event.timestamp().isBefore(before) && EventFilters.matches(event, exclusion, spec.filters())) {
                return true;
            }
        }
        return false;
    }

    /** Entries lie in [from, to); later steps may fall after to. */
    private static boolean inRange(FunnelSpec spec, Event event) {
        return !event.timestamp().isBefore(spec.from()) && event.timestamp().isBefore(spec.to());
    }

    /** "the property's value on the person's entry event", a missing property as $none */
    private static String breakdownValue(FunnelSpec spec, Event entry) {
        if (spec.breakdown() == null) {
            return QueryEngine.NO_BREAKDOWN;
        }
        return PropertyValues.text(entry, spec.breakdown().property()).orElse(Breakdown.NONE);
    }

    /** "top limit values by number of people at step 1, ties by smaller text, the rest as $other" */
    private static Map<String, List<Chain>> group(FunnelSpec spec, List<Chain> best) {
        Map<String, List<Chain>> groups = new TreeMap<>();
        if (spec.breakdown() == null) {
            groups.put(QueryEngine.NO_BREAKDOWN, best);
            return groups;
        }
        Map<String, Long> people = new HashMap<>();
        for (Chain chain : best) {
            people.merge(breakdownValue(spec, chain.entry()), 1L, Long::sum);
        }
        TopValues top = new TopValues(people, spec.breakdown().limit());
        for (Chain chain : best) {
            groups.computeIfAbsent(top.seriesOf(breakdownValue(spec, chain.entry())), k -> new ArrayList<>()).add(chain);
        }
        return groups;
    }

    private static List<FunnelStepResult> steps(FunnelSpec spec, List<Chain> chains) {
        List<FunnelStepResult> steps = new ArrayList<>();
        for (int step = 1; step <= spec.steps().size(); step++) {
            List<Double> seconds = new ArrayList<>();
            long count = 0;
            for (Chain chain : chains) {
                if (chain.depth() >= step) {
                    count++;
                    // "Unordered chains have no times between steps: both are 0."
                    if (step > 1 && spec.order() != FunnelOrder.UNORDERED) {
                        seconds.add(secondsBetween(chain.stepTimes().get(step - 2), chain.stepTimes().get(step - 1)));
                    }
                }
            }
            steps.add(new FunnelStepResult(count, median(seconds), average(seconds)));
        }
        return steps;
    }

    /** Seconds with the microsecond precision timestamps are stored with. */
    private static double secondsBetween(Instant earlier, Instant later) {
        return ChronoUnit.MICROS.between(earlier, later) / 1e6;
    }

    /** "the value at index floor(n/2) of the sorted times, i.e. the upper median"; 0 when nobody reached the step */
    private static double median(List<Double> seconds) {
        if (seconds.isEmpty()) {
            return 0;
        }
        List<Double> sorted = new ArrayList<>(seconds);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }

    private static double average(List<Double> seconds) {
        if (seconds.isEmpty()) {
            return 0;
        }
        double sum = 0;
        for (double s : seconds) {
            sum += s;
        }
        return sum / seconds.size();
    }

    /**
     * The chain from one entry: how deep it reached and, for ordered and strict funnels, the time of
     * each step it filled.
     */
    private record Chain(Event entry, int depth, List<Instant> stepTimes) {
    }
}
