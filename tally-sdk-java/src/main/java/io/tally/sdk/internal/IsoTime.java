package io.tally.sdk.internal;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * ISO-8601 in UTC with exactly three fraction digits. {@link Instant#toString()} drops zero
 * millis and prints nanos, so its length varies; a fixed width keeps batch sizes predictable.
 */
public final class IsoTime {
    private static final DateTimeFormatter FORMAT =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private IsoTime() {}

    public static String format(Instant instant) {
        return FORMAT.format(instant);
    }
}
