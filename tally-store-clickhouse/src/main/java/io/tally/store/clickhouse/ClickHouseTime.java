package io.tally.store.clickhouse;

import io.tally.core.ErrorCode;
import io.tally.core.TallyException;
import io.tally.core.query.Interval;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * Time in the SQL of queries: ranges, microsecond instants, local buckets and zone names.
 *
 * <p>18.16 has no DateTime64, so an event's instant is two columns: {@code timestamp} (whole seconds)
 * and {@code timestamp_us}. Funnels and retention compare instants to the microsecond as one UInt64,
 * {@link #MICROS}; ranges keep the seconds column first so that partitions and the primary key prune.
 */
final class ClickHouseTime {
    /**
     * Microseconds since 1970 plus one. The one keeps 0 free as "no event" for array functions that
     * answer 0 when nothing matches (arrayFirst), even for an event clamped to the epoch itself;
     * differences between two instants are unaffected.
     */
    static final String MICROS = "(toUInt64(timestamp) * 1000000 + timestamp_us + 1)";

    private ClickHouseTime() {
    }

    /** {@code instant} in the unit of {@link #MICROS}, clamped to what the table can hold. */
    static long micros(Instant instant) {
        Instant clamped = EventRows.clamp(instant);
        return clamped.getEpochSecond() * 1_000_000L + clamped.getNano() / 1_000 + 1;
    }

    /**
     * A window in whole microseconds, rounded down: an event at most {@code window} after another is at
     * most this many microseconds after it, because stored instants have whole microseconds.
     */
    static long micros(Duration window) {
        return window.getSeconds() * 1_000_000L + window.getNano() / 1_000;
    }

    /**
     * {@code from <= t < to} to the microsecond over (timestamp seconds, timestamp_us). The whole-second
     * bounds come first so that the primary key and the partitions prune; the sub-second terms are
     * added only when a bound has a fraction.
     */
    static String range(Instant from, Instant to) {
        Instant lo = EventRows.clamp(from);
        Instant hi = EventRows.clamp(to);
        long loSec = lo.getEpochSecond();
        long hiSec = hi.getEpochSecond();
        int loUs = lo.getNano() / 1_000;
        int hiUs = hi.getNano() / 1_000;
        StringBuilder sql = new StringBuilder("timestamp >= toDateTime(").append(loSec).append(")");
        if (loUs > 0) {
            sql.append(" AND (timestamp > toDateTime(").append(loSec).append(") OR timestamp_us >= ").append(loUs).append(")");
        }
        if (hiUs > 0) {
            sql.append(" AND timestamp <= toDateTime(").append(hiSec).append(")")
                    .append(" AND (timestamp < toDateTime(").append(hiSec).append(") OR timestamp_us < ").append(hiUs).append(")");
        } else {
            sql.append(" AND timestamp < toDateTime(").append(hiSec).append(")");
        }
        return sql.toString();
    }

    /**
     * Whole seconds {@code [from, to]} around a microsecond span: a coarse, index-friendly bound that
     * keeps every event of the span; the exact comparisons happen on {@link #MICROS}.
     */
    static String seconds(Instant from, Instant to) {
        return "timestamp >= toDateTime(" + EventRows.clamp(from).getEpochSecond() + ")"
                + " AND timestamp <= toDateTime(" + EventRows.clamp(to).getEpochSecond() + ")";
    }

    /**
     * The local start of the bucket as text. Not {@code toString(...)}: 18.16 drops injective functions
     * from GROUP BY keys and would group by the DateTime value itself, so the two instants of the
     * repeated autumn hour came back as two rows with the same local text (measured). formatDateTime
     * is not injective, so the grouping really is by local wall-clock time. Week and month functions
     * return a Date, which formatDateTime prints at midnight.
     */
    static String bucket(Interval interval, String column, String zoneLiteral) {
        return format(bucketStart(interval, column, zoneLiteral), zoneLiteral);
    }

    /** The start of the bucket holding {@code column}: a DateTime for hours and days, a Date for weeks and months. */
    static String bucketStart(Interval interval, String column, String zoneLiteral) {
        String function = switch (interval) {
            case HOUR -> "toStartOfHour";
            case DAY -> "toStartOfDay";
            case WEEK -> "toMonday";
            case MONTH -> "toStartOfMonth";
        };
        return function + "(" + column + ", " + zoneLiteral + ")";
    }

    /** A {@link #bucketStart} as the local text that labels its bucket. */
    static String format(String bucketStart, String zoneLiteral) {
        return "formatDateTime(" + bucketStart + ", '%Y-%m-%d %H:%M:%S', " + zoneLiteral + ")";
    }

    static LocalDateTime parseBucket(String text) {
        return LocalDateTime.parse(text.replace(' ', 'T'));
    }

    /** The zone as a quoted SQL literal; see {@link #zone}. */
    static String zoneLiteral(ZoneId zone) {
        return ClickHouseSql.literal(zone(zone));
    }

    /**
     * ClickHouse knows IANA region names and {@code UTC}. Java's fixed offsets map to the POSIX-style
     * {@code Etc/GMT-h} zones (sign inverted by convention), which exist only for whole hours.
     */
    static String zone(ZoneId zone) {
        ZoneId normalized = zone.normalized();
        if (!(normalized instanceof ZoneOffset offset)) {
            return zone.getId();
        }
        int seconds = offset.getTotalSeconds();
        if (seconds == 0) {
            return "UTC";
        }
        if (seconds % 3600 != 0) {
            throw TallyException.forField(ErrorCode.INVALID_QUERY, "timezone",
                    "ClickHouse supports fixed offsets in whole hours only; use a region such as Asia/Kolkata instead of " + zone);
        }
        int hours = seconds / 3600;
        return "Etc/GMT" + (hours > 0 ? "-" : "+") + Math.abs(hours);
    }
}
