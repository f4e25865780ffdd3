package io.tally.schema;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * The tracking plan's answer for one event.
 *
 * @param schema the schema version checked against ({@code signup@1-0-2}), or null when none applied
 * @param violations what is wrong, empty when the event passed or was not checked
 */
public record Verdict(Outcome outcome, ValidationMode mode, String schema, List<String> violations) {
    public static final Verdict UNCHECKED = new Verdict(Outcome.UNCHECKED, ValidationMode.OFF, null, List.of());

    public Verdict {
        requireNonNull(outcome, "outcome is null");
        requireNonNull(mode, "mode is null");
        violations = List.copyOf(violations);
    }

    /** Whether the collector must refuse the event. */
    public boolean refuses() {
        return mode == ValidationMode.ENFORCE && (outcome == Outcome.INVALID || outcome == Outcome.UNKNOWN_EVENT);
    }

    /** Whether the event is accepted with its violations recorded. */
    public boolean warns() {
        return mode == ValidationMode.WARN && (outcome == Outcome.INVALID || outcome == Outcome.UNKNOWN_EVENT);
    }

    /** One line for a dead-letter reason: the schema and the violations. */
    public String reason() {
        return (schema == null ? "" : schema + ": ") + String.join("; ", violations);
    }

    /** The kinds of answer. */
    public enum Outcome {
        /** Validation is off for the project, or the event type is outside the plan and allowed. */
        UNCHECKED,
        VALID,
        INVALID,
        /** The event name has no schema and the project refuses unknown events. */
        UNKNOWN_EVENT
    }
}
