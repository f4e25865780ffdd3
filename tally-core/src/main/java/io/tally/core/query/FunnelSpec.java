package io.tally.core.query;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A funnel as a store computes it; see docs/queries.md. {@code filters} apply to every step and
 * exclusion; entries (step 1, or any step when unordered) lie in {@code [from, to)}.
 *
 * @param breakdown null for one funnel
 */
public record FunnelSpec(String project, List<EventMatcher> steps, Duration window, FunnelOrder order,
                         List<FunnelExclusion> exclusions, List<Filter> filters, Breakdown breakdown, Instant from, Instant to) {
    public static final int MIN_STEPS = 2;
    public static final int MAX_STEPS = 20;

    public FunnelSpec {
        requireNonNull(project, "project is null");
        steps = List.copyOf(requireNonNull(steps, "steps is null"));
        requireNonNull(window, "window is null");
        requireNonNull(order, "order is null");
        exclusions = List.copyOf(requireNonNull(exclusions, "exclusions is null"));
        filters = List.copyOf(requireNonNull(filters, "filters is null"));
        requireNonNull(from, "from is null");
        requireNonNull(to, "to is null");
        if (steps.size() < MIN_STEPS || steps.size() > MAX_STEPS) {
            throw new IllegalArgumentException("a funnel has " + MIN_STEPS + " to " + MAX_STEPS + " steps, not " + steps.size());
        }
        if (window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("the window must be longer than zero, was " + window);
        }
        if (!from.isBefore(to)) {
            throw new IllegalArgumentException("from must be before to: " + from + " >= " + to);
        }
        for (FunnelExclusion e : exclusions) {
            if (e.toStep() > steps.size()) {
                throw new IllegalArgumentException("an exclusion's toStep " + e.toStep() + " is beyond the last step " + steps.size());
            }
        }
        if (order == FunnelOrder.UNORDERED && !exclusions.isEmpty()) {
            throw new IllegalArgumentException("unordered funnels have no exclusions");
        }
    }
}
