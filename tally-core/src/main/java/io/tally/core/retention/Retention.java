package io.tally.core.retention;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.time.Period;
import java.time.ZoneOffset;

/**
 * How long a project's data is kept: raw events, and the hourly and daily rollups (which are small and
 * answer trends long after the raw events are gone).
 */
public record Retention(Period raw, Period rollups) {
    /** What Tally keeps unless told otherwise: 2 years of events, 5 years of rollups. */
    public static final Retention DEFAULT = new Retention(Period.ofYears(2), Period.ofYears(5));

    public Retention {
        requireNonNull(raw, "raw is null");
        requireNonNull(rollups, "rollups is null");
        if (raw.isNegative() || raw.isZero()) {
            throw new IllegalArgumentException("raw retention must be positive, was " + raw);
        }
        if (rollups.isNegative() || rollups.isZero()) {
            throw new IllegalArgumentException("rollup retention must be positive, was " + rollups);
        }
    }

    /** Events before this instant are expired. Calendar arithmetic in UTC: 2 years back from 29 Feb is 28 Feb. */
    public Instant rawCutoff(Instant now) {
        return now.atOffset(ZoneOffset.UTC).minus(raw).toInstant();
    }

    public Instant rollupCutoff(Instant now) {
        return now.atOffset(ZoneOffset.UTC).minus(rollups).toInstant();
    }

    /** Parses {@code P2Y/P5Y} (raw/rollups), the form used on the command line. */
    public static Retention parse(String text) {
        requireNonNull(text, "text is null");
        String[] parts = text.split("/", -1);
        if (parts.length != 2) {
            throw new IllegalArgumentException("retention must look like P2Y/P5Y (raw events/rollups), was '" + text + "'");
        }
        try {
            return new Retention(Period.parse(parts[0].trim()), Period.parse(parts[1].trim()));
        } catch (java.time.format.DateTimeParseException e) {
            throw new IllegalArgumentException("retention must look like P2Y/P5Y (ISO-8601 periods), was '" + text + "'");
        }
    }
}
