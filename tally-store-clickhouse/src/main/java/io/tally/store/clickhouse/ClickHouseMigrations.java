package io.tally.store.clickhouse;

import io.tally.core.ErrorCode;
import io.tally.core.TallyException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The schema, as an ordered list of migrations, recorded in {@code tally_migrations}.
 *
 * <p>ClickHouse has no transactional DDL and no locks, and several loaders may start at once. So every
 * statement is idempotent ({@code IF NOT EXISTS}), and a migration that two processes run at the same
 * time does the same thing twice; the record table is a ReplacingMergeTree keyed by version, so the two
 * records of one version collapse. A migration is recorded only after all its statements succeeded,
 * so a process that dies half-way leaves it unrecorded and the next start runs it again.
 *
 * <p>Everything here must run on 18.16: no TTL, no CODEC, no LowCardinality, no DateTime64. The design
 * and its measured size are in {@code docs/clickhouse-tables.md}.
 */
final class ClickHouseMigrations {
    /** A migration's statements, worked out just before it runs, from the layout and what the database holds. */
    private interface Statements {
        List<String> of(TableLayout layout, ClickHouseHttp http);
    }

    private record Migration(int version, String description, Statements statements) {
        Migration(int version, String description, Function<TableLayout, List<String>> statements) {
            this(version, description, (layout, http) -> statements.apply(layout));
        }
    }

    /** Context paths most queries filter or break down by, kept as their own columns (see {@link EventRows}). */
    static final List<String> HOT_CONTEXT_PATHS = List.of(
            "page.url", "page.path", "page.referrer", "page.title", "library.name", "library.version", "locale",
            "timezone", "campaign.source", "campaign.medium", "campaign.name", "os.name", "device.type");

    private static final List<Migration> MIGRATIONS = List.of(
            new Migration(1, "events, message ids, loader positions, hourly and daily rollups", ClickHouseMigrations::firstSchema),
            new Migration(2, "links from anonymous ids to users, for funnels and retention", ClickHouseMigrations::personLinks),
            new Migration(3, "refused events from the dead-letter log", ClickHouseMigrations::rejectedEvents),
            new Migration(4, "saved documents: insights and dashboards", ClickHouseMigrations::savedDocuments),
            new Migration(5, "stored ids keep only the id; rollups are fed from the ids' insert", ClickHouseMigrations::slimStoredIds),
            new Migration(6, "where each batch ends, recorded before its rows", ClickHouseMigrations::batchPlans),
            new Migration(7, "rollup rows carry their batch's tag, so that two batches never feed equal blocks", ClickHouseMigrations::taggedRollupBlocks));

    private ClickHouseMigrations() {
    }

    static String hotColumn(String contextPath) {
        return "context_" + contextPath.replace('.', '_');
    }

    private static List<String> firstSchema(TableLayout t) {
        List<String> statements = new ArrayList<>();
        StringBuilder hot = new StringBuilder();
        for (String path : HOT_CONTEXT_PATHS) {
            // Nullable: an absent field and an empty string differ for is_set filters
            hot.append("    ").append(hotColumn(path)).append(" Nullable(String),\n");
        }
        /*
         * ReplacingMergeTree collapses rows with the same sorting key when parts merge; the key ends with
         * message_id, so the same event inserted twice (a retried insert, a replay after a crash) becomes
         * one row eventually, and FINAL makes reads exact before that. The key puts project and event first
         * because every query filters on both, then the day for time ranges, then a hash of the person so
         * one person's rows sit together (funnels and retention read them in order).
         * 18.16's DateTime has whole seconds; timestamp_us keeps the sub-second part so that range bounds
         * are exact to the microsecond, like DuckDB's TIMESTAMP.
         * Properties, traits and the rest of the context are key/value arrays (Nested): a filter on one key
         * reads two compact columns instead of parsing JSON text, and repeated key names compress to almost
         * nothing. Values are the JSON scalar's text (strings unquoted); objects and arrays are JSON text.
         */
        statements.addAll(t.sharded("events", """
                    project            String,
                    event              String,
                    timestamp          DateTime('UTC'),
                    timestamp_us       UInt32,
                    distinct_id        String,
                    message_id         UUID,
                    message_key        String,
                    type               Enum8('track' = 1, 'identify' = 2, 'page' = 3, 'screen' = 4, 'group' = 5, 'alias' = 6),
                    user_id            Nullable(String),
                    anonymous_id       Nullable(String),
                    received_at        DateTime('UTC'),
                    sent_at            Nullable(DateTime('UTC')),
                    original_timestamp Nullable(DateTime('UTC')),
                    name               Nullable(String),
                    group_id           Nullable(String),
                    previous_id        Nullable(String),
                    ip                 String,
                    user_agent         String,
                """ + hot + """
                    properties Nested(key String, value String),
                    traits     Nested(key String, value String),
                    context    Nested(key String, value String)""",
                "ReplacingMergeTree", "",
                "PARTITION BY toYYYYMM(timestamp)\nORDER BY (project, event, toDate(timestamp), cityHash64(distinct_id), message_id)",
                "cityHash64(distinct_id)"));
        statements.addAll(storedIds(t));
        statements.addAll(rollups(t));
        /*
         * Rollup keys a batch is about to touch, written before its rows and marked done after: a batch
         * whose intent is not done was cut short (a crash, ClickHouse killed mid-insert), and the store
         * rebuilds those rollup keys from the stored events when it starts. See ClickHouseEventStore.
         */
        statements.add(t.everywhere("rollup_intents", """
                    batch      UInt64,
                    done       UInt8,
                    project    String,
                    event      String,
                    hour       DateTime('UTC'),
                    written_at DateTime('UTC')""",
                "MergeTree", "", "PARTITION BY toYYYYMM(written_at)\nORDER BY (batch, done)"));
        // the highest version per (topic, partition) wins, at merge time and in argMax at read time
        statements.add(t.everywhere("loader_positions", """
                    topic         String,
                    log_partition UInt32,
                    next_offset   Int64,
                    version       UInt64,
                    updated_at    DateTime('UTC')""",
                "ReplacingMergeTree", "version", "ORDER BY (topic, log_partition)"));
        return statements;
    }

    /**
     * Which events are stored, keyed for point lookups by id (the events table is sorted for queries and
     * cannot answer "is m1 stored?" without scanning a project). A write inserts each new event's id
     * once, after its row is in events, into {@code batch_feed}: a Null table that keeps nothing itself;
     * its views put the id into {@code stored_ids} and the event's count and person into the rollups
     * (see {@link #taggedRollupBlocks}). So {@code stored_ids} holds only what the lookup needs: the random
     * id, which no codec shrinks, and a month that is the same for a whole partition and costs nothing.
     * Until schema version 5 one table, {@code message_ids}, did both jobs and kept the event, person
     * and time of every id in a table sorted by the random id, where they compressed poorly (11 of its
     * 27 bytes per event, measured). The feed is sharded by person like events, so a person's events and
     * rollup contributions share a shard; ids copied from {@code message_ids} by migration 5 went through
     * {@code stored_ids}' own Distributed table and sit on any shard, which is why reads of
     * {@code stored_ids} go through the Distributed table and never assume where an id is.
     */
    private static List<String> storedIds(TableLayout t) {
        return t.sharded("stored_ids", """
                    project    String,
                    message_id UUID,
                    month      Date""",
                "ReplacingMergeTree", "",
                "PARTITION BY toYYYYMM(month)\nORDER BY (project, message_id)",
                // 18.16's cityHash64 takes no UUID; this key places only migration 5's copies (see above)
                "cityHash64(toString(message_id))");
    }

    /**
     * Per UTC hour and per UTC day: a count and the exact set of people, merged across hours, days and
     * shards at read time. Their views come with the feed, in {@link #taggedRollupBlocks}.
     */
    private static List<String> rollups(TableLayout t) {
        List<String> statements = new ArrayList<>();
        for (String grain : List.of("hour", "day")) {
            String table = grain.equals("hour") ? "events_hourly" : "events_daily";
            // the day as its UTC midnight, so that both rollups are read by the same SQL
            String type = "DateTime('UTC')";
            statements.addAll(t.sharded(table, """
                        project String,
                        event   String,
                        %s      %s,
                        events  AggregateFunction(count),
                        users   AggregateFunction(uniqExact, String)""".formatted(grain, type),
                    "AggregatingMergeTree", "",
                    "PARTITION BY toYYYYMM(" + grain + ")\nORDER BY (project, event, " + grain + ")",
                    "rand()"));
        }
        return statements;
    }

    /**
     * Moves a database made before version 5 to the slim ids: creates {@code stored_ids}, copies the ids
     * of {@code message_ids} into it (a copy made twice collapses, same key), and drops
     * {@code message_ids} with its rollup views; migration 7, run next, feeds the rollups again. New
     * databases get {@code stored_ids} from version 1 and find nothing to copy or drop here. Loaders of
     * an older Tally must be stopped first: ids they insert into {@code message_ids} after the copy would
     * be lost with it.
     *
     * <p>Until version 7 existed, this migration and the first also made {@code stored_ids_feed} and its
     * views. They no longer do: migration 7 drops that feed, and a process at migration 7 could drop it
     * under another process starting at the same moment that was still making the views on it.
     */
    private static List<String> slimStoredIds(TableLayout t, ClickHouseHttp http) {
        List<String> statements = new ArrayList<>(storedIds(t));
        if (tableExists(http, t, "message_ids")) {
            statements.add("INSERT INTO " + t.qualified("stored_ids")
                    + " SELECT project, message_id, toStartOfMonth(timestamp) FROM " + t.qualified("message_ids"));
        }
        for (String old : List.of("events_hourly_mv", "events_daily_mv", "message_ids", t.local("message_ids"))) {
            statements.add("DROP TABLE IF EXISTS " + t.qualified(old) + t.onCluster());
        }
        return statements;
    }

    /**
     * Gives the rollups a {@code batch} column, the tag of the batch that fed the row (see
     * {@link EncodedBatch#tag}), and feeds them from {@code batch_feed}, whose rows carry it. Block
     * deduplication of a replicated table works on a block's contents, and the rollup views insert
     * aggregated blocks: before version 7, two different batches of one event each, by the same person,
     * in the same hour fed equal blocks, and a cluster kept the first and dropped the second as a
     * repeat, losing a count. With the tag, different batches always feed different blocks. The column
     * is not part of the rollups' key, so a merge keeps one of the tags; it matters only while a block
     * is new. The new views also store the ids before they feed the rollups (see below).
     *
     * <p>A new feed, not the old one altered and its views made again: another process migrating at the
     * same moment could find the old feed dropped under its view. 18.16's views need every column of
     * their target, so the old views fail once the rollups have the column: loaders of an older Tally
     * must be stopped first (the README says so).
     */
    private static List<String> taggedRollupBlocks(TableLayout t, ClickHouseHttp http) {
        for (String table : List.of("events_hourly", "events_daily")) {
            // the local tables only: the rollups are read and repaired by naming their columns, so the
            // Distributed tables in front need not know this one
            addColumnUnlessPresent(http, t, t.local(table), "batch UInt64");
        }
        List<String> statements = new ArrayList<>(t.feed("batch_feed", """
                    project     String,
                    message_id  UUID,
                    event       String,
                    distinct_id String,
                    timestamp   DateTime('UTC'),
                    batch       UInt64""",
                "cityHash64(distinct_id)"));
        String feed = t.qualified(t.local("batch_feed"));
        statements.add(t.materializedView("batch_feed_ids_mv", "stored_ids",
                "SELECT project, message_id, toStartOfMonth(timestamp) AS month FROM " + feed));
        for (String grain : List.of("hour", "day")) {
            String start = grain.equals("hour") ? "toStartOfHour(timestamp)" : "toStartOfDay(timestamp)";
            String table = grain.equals("hour") ? "events_hourly" : "events_daily";
            // named to sort after batch_feed_ids_mv: 18.16 runs a table's views in name order, so the ids
            // are stored before the rollups count them, and a rollup can lag its ids but never lead them
            statements.add(t.materializedView("batch_feed_rollup_" + grain + "_mv", table,
                    "SELECT project, event, " + start + " AS " + grain + ", countState() AS events, uniqExactState(distinct_id) AS users, batch"
                            + " FROM " + feed + " GROUP BY project, event, " + grain + ", batch"));
        }
        for (String old : List.of("stored_ids_mv", "events_hourly_feed_mv", "events_daily_feed_mv", "stored_ids_feed", t.local("stored_ids_feed"))) {
            statements.add("DROP TABLE IF EXISTS " + t.qualified(old) + t.onCluster());
        }
        return statements;
    }

    /**
     * 18.16 has no {@code ADD COLUMN IF NOT EXISTS}, so this adds the column itself, at once, instead of
     * returning a statement: it asks first, and when the add fails it asks again, because another
     * process migrating at the same moment may have added it in between, which is success too.
     */
    private static void addColumnUnlessPresent(ClickHouseHttp http, TableLayout t, String table, String column) {
        String name = column.substring(0, column.indexOf(' '));
        if (columnExists(http, t, table, name)) {
            return;
        }
        try {
            http.execute("ALTER TABLE " + t.qualified(table) + t.onCluster() + " ADD COLUMN " + column);
        } catch (TallyException e) {
            if (!columnExists(http, t, table, name)) {
                throw e;
            }
        }
    }

    private static boolean columnExists(ClickHouseHttp http, TableLayout t, String table, String column) {
        return !http.select("SELECT name FROM system.columns WHERE database = " + ClickHouseSql.literal(t.database())
                + " AND table = " + ClickHouseSql.literal(table) + " AND name = " + ClickHouseSql.literal(column)).isEmpty();
    }

    private static boolean tableExists(ClickHouseHttp http, TableLayout t, String table) {
        return !http.select("SELECT name FROM system.tables WHERE database = " + ClickHouseSql.literal(t.database())
                + " AND name = " + ClickHouseSql.literal(table)).isEmpty();
    }

    /**
     * Which user each anonymous (or alias previous) id belongs to, kept by a view on {@code events} so
     * that funnels and retention look links up by primary key instead of reading the ids of every event
     * of the project (see {@link ClickHousePeople}). The view reads {@code events}, duplicates included,
     * which is harmless here: a link is the minimum of (time, user id) texts, and a minimum does not
     * change when a row comes twice. Months partition it like {@code events}, so retention drops both
     * together. The last statement fills it from the events stored before the view existed; run twice
     * (two processes migrating at once), it only adds the same minimums again.
     */
    private static List<String> personLinks(TableLayout t) {
        List<String> statements = new ArrayList<>(t.sharded("person_links", """
                    project String,
                    link_id String,
                    month   Date,
                    link    AggregateFunction(min, String)""",
                "AggregatingMergeTree", "",
                "PARTITION BY toYYYYMM(month)\nORDER BY (project, link_id, month)",
                "cityHash64(link_id)"));
        statements.add(t.materializedView("person_links_mv", "person_links", ClickHousePeople.linkRows(t.qualified(t.local("events")))));
        statements.add("INSERT INTO " + t.qualified("person_links") + " " + ClickHousePeople.linkRows(t.qualified("events")));
        return statements;
    }

    /**
     * Where each batch ends in the log, written before its rows: a batch whose end is beyond the stored
     * positions was cut short, and the loader rebuilds it from the same offsets so that its rows make
     * the same block, which replicated tables drop when it comes again (see
     * {@link ClickHouseEventStore#unfinishedBatch}). On every node, like the positions.
     */
    private static List<String> batchPlans(TableLayout t) {
        return List.of(t.everywhere("batch_plans", """
                    batch         UInt64,
                    topic         String,
                    log_partition UInt32,
                    next_offset   Int64,
                    written_at    DateTime('UTC')""",
                "MergeTree", "", "PARTITION BY toYYYYMM(written_at)\nORDER BY (topic, log_partition, batch)"));
    }

    /**
     * Refused events copied from the dead-letter log. They are few, so every node keeps all of them; a
     * copy loaded twice (a loader retrying after a failure) has the same log position and merges away,
     * and reads take one row per position until it has.
     */
    private static List<String> rejectedEvents(TableLayout t) {
        return List.of(t.everywhere("rejected_events", """
                    topic         String,
                    log_partition UInt32,
                    log_offset    Int64,
                    project       String,
                    received_at   DateTime('UTC'),
                    code          String,
                    reason        String,
                    schema        String,
                    message_id    String,
                    payload       String,
                    ip            String,
                    user_agent    String""",
                "ReplacingMergeTree", "", "PARTITION BY toYYYYMM(received_at)\nORDER BY (project, received_at, topic, log_partition, log_offset)"));
    }

    /**
     * Saved insights and dashboards, on every node so that every query server reads the same ones; the
     * highest version (the save's time in microseconds) wins, at merge time and in argMax at read time.
     */
    private static List<String> savedDocuments(TableLayout t) {
        return List.of(t.everywhere("saved_documents", """
                    project  String,
                    name     String,
                    body     String,
                    version  UInt64,
                    saved_at DateTime('UTC')""",
                "ReplacingMergeTree", "version", "ORDER BY (project, name)"));
    }

    static int latestVersion() {
        return MIGRATIONS.get(MIGRATIONS.size() - 1).version();
    }

    /** Creates the database if needed and runs the migrations it has not seen yet. */
    static void apply(ClickHouseHttp http, TableLayout layout, Clock clock) {
        http.executeServerWide(layout.createDatabase());
        http.execute(layout.everywhere("tally_migrations", """
                    version     UInt32,
                    description String,
                    applied_at  DateTime('UTC')""", "ReplacingMergeTree", "", "ORDER BY version"));
        int current = currentVersion(http);
        if (current > latestVersion()) {
            throw new TallyException(ErrorCode.INTERNAL, "the ClickHouse database has schema version "
                    + current + " but this Tally knows only up to " + latestVersion() + "; upgrade Tally");
        }
        for (Migration m : MIGRATIONS) {
            if (m.version() > current) {
                m.statements().of(layout, http).forEach(http::execute);
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
