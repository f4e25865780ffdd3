package io.tally.store.duckdb;

import io.tally.core.ErrorCode;
import io.tally.core.TallyException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * Instants and durations as the microseconds events are stored with. Bounds with a finer fraction are
 * rounded up: for a stored time {@code t} in whole microseconds, {@code t >= from} and {@code t < to}
 * hold exactly when they hold against the bound rounded up to the next microsecond.
 */
final class Micros {
    /** Far beyond any stored event, yet small enough that adding a window cannot overflow. */
    static final long FAR_FUTURE = Long.MAX_VALUE / 4;
    /** The end of year 9999 UTC: DuckDB's TIMESTAMP goes further, but no event does. */
    private static final long FAR_FUTURE_TIMESTAMP = 253_402_300_799_000_000L;

    private Micros() {
    }

    /** Microseconds since the epoch, rounded up; {@code field} names the query field in errors. */
    static long ceil(Instant instant, String field) {
        try {
            long micros = Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1_000_000L), instant.getNano() / 1_000);
            return instant.getNano() % 1_000 == 0 ? micros : Math.addExact(micros, 1);
        } catch (ArithmeticException e) {
            throw TallyException.forField(ErrorCode.INVALID_QUERY, field, field + " is out of range: " + instant);
        }
    }

    /**
     * A window in whole microseconds, rounded down (an inclusive bound on whole-microsecond times). One
     * longer than {@link #FAR_FUTURE} (some 73,000 years) reaches every stored event, so it is cut there.
     */
    static long window(Duration window) {
        if (window.getSeconds() >= FAR_FUTURE / 1_000_000L) {
            return FAR_FUTURE;
        }
        return window.getSeconds() * 1_000_000L + window.getNano() / 1_000;
    }

    /** The UTC TIMESTAMP value of a microsecond count, for comparisons with the stored column. */
    static LocalDateTime timestamp(long micros) {
        long clamped = Math.min(micros, FAR_FUTURE_TIMESTAMP);
        return LocalDateTime.ofEpochSecond(Math.floorDiv(clamped, 1_000_000L), (int) Math.floorMod(clamped, 1_000_000L) * 1_000,
                ZoneOffset.UTC);
    }

    /** Adds without overflow, staying at {@link #FAR_FUTURE} at most. */
    static long plus(long micros, long more) {
        long bounded = Math.min(more, FAR_FUTURE);
        return micros > FAR_FUTURE - bounded ? FAR_FUTURE : micros + bounded;
    }
}
