package io.tally.store.clickhouse;

import io.tally.core.query.Interval;
import io.tally.core.query.TrendSpec;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneRules;

/**
 * The rollups a trend may read instead of raw events, and when it may.
 *
 * <p>A rollup row covers one UTC hour (or day) of one event name. A query can use it only if no row
 * straddles a bound or a bucket edge: the range must start and end on the row's grain, and every local
 * bucket edge in the query's zone must fall on a UTC hour (a day for the daily rollup). That holds for
 * the hourly rollup in every zone whose offsets, over the whole range, are whole hours — most of the
 * world, but not India, Nepal or parts of Australia, which get raw events — and for the daily rollup
 * in zones that are UTC all year.
 */
enum Rollup {
    HOURLY("events_hourly", "hour", 3_600),
    DAILY("events_daily", "day", 86_400);

    private final String table;
    private final String column;
    private final long grainSeconds;

    Rollup(String table, String column, long grainSeconds) {
        this.table = table;
        this.column = column;
        this.grainSeconds = grainSeconds;
    }

    String table() {
        return table;
    }

    String column() {
        return column;
    }

    /** The coarsest rollup that answers {@code spec} exactly, or null when only raw events do. */
    static Rollup serving(TrendSpec spec) {
        if (!spec.isPlainCount()) {
            return null;
        }
        if (spec.from().isBefore(EventRows.MIN_DATE_TIME) || spec.to().isAfter(EventRows.MAX_DATE_TIME)) {
            return null;
        }
        if (spec.interval() != Interval.HOUR && DAILY.aligned(spec) && isUtc(spec.zone())) {
            return DAILY;
        }
        return HOURLY.aligned(spec) && wholeHourOffsets(spec.zone(), spec.from(), spec.to()) ? HOURLY : null;
    }

    private boolean aligned(TrendSpec spec) {
        return onGrain(spec.from()) && onGrain(spec.to());
    }

    private boolean onGrain(Instant instant) {
        return instant.getNano() == 0 && Math.floorMod(instant.getEpochSecond(), grainSeconds) == 0;
    }

    private static boolean isUtc(ZoneId zone) {
        ZoneRules rules = zone.getRules();
        return rules.isFixedOffset() && rules.getOffset(Instant.EPOCH).equals(ZoneOffset.UTC);
    }

    private static boolean wholeHourOffsets(ZoneId zone, Instant from, Instant to) {
        ZoneRules rules = zone.getRules();
        if (rules.getOffset(from).getTotalSeconds() % 3_600 != 0) {
            return false;
        }
        ZoneOffsetTransition next = rules.nextTransition(from);
        while (next != null && next.getInstant().isBefore(to)) {
            if (next.getOffsetAfter().getTotalSeconds() % 3_600 != 0) {
                return false;
            }
            next = rules.nextTransition(next.getInstant());
        }
        return true;
    }
}
