package io.tally.schema;

import static java.util.Objects.requireNonNull;

/**
 * How strictly a project's tracking plan is applied.
 *
 * @param rejectUnknownEvents whether an event name with no schema counts as a violation (when the mode
 *     is not {@code OFF}); with false, events outside the plan pass unchecked
 */
public record ValidationSettings(ValidationMode mode, boolean rejectUnknownEvents) {
    public static final ValidationSettings OFF = new ValidationSettings(ValidationMode.OFF, false);

    public ValidationSettings {
        requireNonNull(mode, "mode is null");
    }
}
