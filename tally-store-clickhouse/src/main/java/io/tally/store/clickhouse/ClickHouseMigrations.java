package io.tally.store.clickhouse;

import io.tally.core.ErrorCode;
import io.tally.core.TallyException;
import java.time.Clock;
import java.util.List;

/**
 * The schema, as an ordered list of migrations, recorded in {@code tally_migrations}.
 *
 * <p>ClickHouse has no transactional DDL and no locks, and several loaders may start at once. So every
 * statement is idempotent ({@code IF NOT EXISTS}), and a migration that two processes run at the same
 * time does the same thing twice; the record table is a ReplacingMergeTree keyed by version, so the two
 * records of one version collapse. A migration is recorded only after all its statements succeeded,
 * so a process that dies half-way leaves it unrecorded and the next start runs it again.
 *
 * <p>Everything here must run on 18.16: no TTL, no CODEC, no LowCardinality, no DateTime64.
 */
final class ClickHouseMigrations {
    private record Migration(int version, String description, List<String> statements) {
    }

    private static final List<Migration> MIGRATIONS = List.of(
            new Migration(1, "events, message ids and loader positions", List.of(
                    /*
                     * ReplacingMergeTree collapses rows with the same sorting key when parts merge; the key
                     * ends with message_id, so the same event inserted twice (a retried insert, a replay
                     * after a crash) becomes one row eventually, and FINAL makes reads exact before that.
                     * The key puts project and event first because every query filters on both, then the
                     * day for time ranges, then a hash of the person so one person's rows sit together.
                     * 18.16's DateTime has whole seconds; timestamp_us keeps the sub-second part so that
                     * range bounds are exact to the microsecond, like DuckDB's TIMESTAMP.
                     */
                    """
                    CREATE TABLE IF NOT EXISTS events (
                        project            String,
                        message_id         String,
                        type               Enum8('track' = 1, 'identify' = 2, 'page' = 3, 'screen' = 4, 'group' = 5, 'alias' = 6),
                        event              String,
                        distinct_id        String,
                        user_id            Nullable(String),
                        anonymous_id       Nullable(String),
                        timestamp          DateTime('UTC'),
                        timestamp_us       UInt32,
                        received_at        DateTime('UTC'),
                        sent_at            Nullable(DateTime('UTC')),
                        original_timestamp Nullable(DateTime('UTC')),
                        name               Nullable(String),
                        group_id           Nullable(String),
                        previous_id        Nullable(String),
                        properties         String,
                        traits             String,
                        context            String,
                        ip                 Nullable(String),
                        user_agent         Nullable(String),
                        loaded_at          DateTime('UTC')
                    ) ENGINE = ReplacingMergeTree()
                    PARTITION BY toYYYYMM(timestamp)
                    ORDER BY (project, event, toDate(timestamp), cityHash64(distinct_id), message_id)""",
                    /*
                     * Which (project, message_id) are stored, keyed for point lookups: the events table is
                     * sorted for queries and cannot answer "is m1 stored?" without scanning a whole project.
                     * Partitioned like events so that retention can drop the same months from both.
                     */
                    """
                    CREATE TABLE IF NOT EXISTS message_ids (
                        project    String,
                        message_id String,
                        timestamp  DateTime('UTC')
                    ) ENGINE = ReplacingMergeTree()
                    PARTITION BY toYYYYMM(timestamp)
                    ORDER BY (project, message_id)""",
                    // the highest version per (topic, partition) wins, at merge time and in argMax at read time
                    """
                    CREATE TABLE IF NOT EXISTS loader_positions (
                        topic         String,
                        log_partition UInt32,
                        next_offset   Int64,
                        version       UInt64,
                        updated_at    DateTime('UTC')
                    ) ENGINE = ReplacingMergeTree(version)
                    ORDER BY (topic, log_partition)""")));

    private ClickHouseMigrations() {
    }

    static int latestVersion() {
        return MIGRATIONS.get(MIGRATIONS.size() - 1).version();
    }

    /** Creates the database if needed and runs the migrations it has not seen yet. */
    static void apply(ClickHouseHttp http, String database, Clock clock) {
        http.executeServerWide("CREATE DATABASE IF NOT EXISTS " + ClickHouseSql.identifier(database));
        http.execute("""
                CREATE TABLE IF NOT EXISTS tally_migrations (
                    version     UInt32,
                    description String,
                    applied_at  DateTime('UTC')
                ) ENGINE = ReplacingMergeTree() ORDER BY version""");
        int current = currentVersion(http);
        if (current > latestVersion()) {
            throw new TallyException(ErrorCode.INTERNAL, "the ClickHouse database " + database + " has schema version "
                    + current + " but this Tally knows only up to " + latestVersion() + "; upgrade Tally");
        }
        for (Migration m : MIGRATIONS) {
            if (m.version() > current) {
                m.statements().forEach(http::execute);
                http.execute("INSERT INTO tally_migrations VALUES (" + m.version() + ", "
                        + ClickHouseSql.literal(m.description()) + ", " + clock.instant().getEpochSecond() + ")");
            }
        }
    }

    /** 0 for a new database: max() over no rows is the type's default in ClickHouse. */
    static int currentVersion(ClickHouseHttp http) {
        return Integer.parseInt(http.select("SELECT max(version) FROM tally_migrations").get(0).get(0));
    }
}
