package io.tally.store.clickhouse;

import static java.util.Objects.requireNonNull;

import io.tally.core.event.Event;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** One row of the hourly rollup: the events of a project and name in one UTC hour. */
record RollupKey(String project, String event, Instant hour) {
    RollupKey {
        requireNonNull(project, "project is null");
        requireNonNull(event, "event is null");
        requireNonNull(hour, "hour is null");
    }

    /** The key an event counts toward, with the strings in the form they are stored in. */
    static RollupKey of(Event e) {
        return new RollupKey(ClickHouseSql.wellFormed(e.project()), ClickHouseSql.wellFormed(e.event()),
                EventRows.clamp(e.timestamp()).truncatedTo(ChronoUnit.HOURS));
    }
}
