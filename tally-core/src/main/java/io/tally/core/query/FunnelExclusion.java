package io.tally.core.query;

import static java.util.Objects.requireNonNull;

/**
 * An event that breaks a chain when it happens strictly between the events of steps {@code fromStep}
 * and {@code toStep} (1-based).
 */
public record FunnelExclusion(EventMatcher matcher, int fromStep, int toStep) {
    public FunnelExclusion {
        requireNonNull(matcher, "matcher is null");
        if (fromStep < 1 || toStep <= fromStep) {
            throw new IllegalArgumentException("an exclusion needs 1 <= fromStep < toStep, was " + fromStep + ".." + toStep);
        }
    }
}
