package io.tally.store.duckdb;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * The schema, as an ordered list of migrations. Each runs once, in its own transaction, and is
 * recorded in {@code tally_migrations}; a newer file opened by an older Tally is refused.
 */
final class DuckDbMigrations {
    private record Migration(int version, String description, List<String> statements) {
    }

    private static final List<Migration> MIGRATIONS = List.of(
            new Migration(1, "events, loader positions and the load staging table", List.of(
                    """
                    CREATE TABLE events (
                        project            VARCHAR   NOT NULL,
                        message_id         VARCHAR   NOT NULL,
                        type               VARCHAR   NOT NULL,
                        event              VARCHAR   NOT NULL,
                        distinct_id        VARCHAR   NOT NULL,
                        user_id            VARCHAR,
                        anonymous_id       VARCHAR,
                        timestamp          TIMESTAMP NOT NULL, -- UTC, skew-corrected
                        received_at        TIMESTAMP NOT NULL,
                        sent_at            TIMESTAMP,
                        original_timestamp TIMESTAMP,
                        name               VARCHAR,
                        group_id           VARCHAR,
                        previous_id        VARCHAR,
                        properties         VARCHAR   NOT NULL, -- JSON object text
                        traits             VARCHAR   NOT NULL,
                        context            VARCHAR   NOT NULL,
                        ip                 VARCHAR,
                        user_agent         VARCHAR,
                        loaded_at          TIMESTAMP NOT NULL,
                        PRIMARY KEY (project, message_id)
                    )""",
                    // the next offset to read per partition, written in the same transaction as the rows
                    """
                    CREATE TABLE loader_positions (
                        topic       VARCHAR   NOT NULL,
                        partition   INTEGER   NOT NULL,
                        next_offset BIGINT    NOT NULL,
                        updated_at  TIMESTAMP NOT NULL,
                        PRIMARY KEY (topic, partition)
                    )""",
                    // a batch lands here first, so that it can be inserted with the duplicates skipped
                    "CREATE TABLE load_staging AS SELECT * EXCLUDE (loaded_at) FROM events LIMIT 0")),
            // refused events copied from the dead-letter log, identified by where they were read there
            new Migration(2, "refused events from the dead-letter log", List.of("""
                    CREATE TABLE rejected_events (
                        topic       VARCHAR   NOT NULL,
                        partition   INTEGER   NOT NULL,
                        log_offset  BIGINT    NOT NULL,
                        project     VARCHAR,
                        received_at TIMESTAMP NOT NULL,
                        code        VARCHAR   NOT NULL,
                        reason      VARCHAR   NOT NULL,
                        schema      VARCHAR,
                        message_id  VARCHAR,
                        payload     VARCHAR   NOT NULL,
                        ip          VARCHAR,
                        user_agent  VARCHAR,
                        PRIMARY KEY (topic, partition, log_offset)
                    )""")),
            new Migration(3, "saved documents: insights and dashboards", List.of("""
                    CREATE TABLE saved_documents (
                        project  VARCHAR   NOT NULL,
                        name     VARCHAR   NOT NULL,
                        body     VARCHAR   NOT NULL,
                        saved_at TIMESTAMP NOT NULL,
                        PRIMARY KEY (project, name)
                    )""")),
            /*
             * Which user each anonymous id belongs to ("People" in docs/queries.md), kept up to date by every
             * write; see DuckDbPeople. Worked out from the events at query time instead, it read the whole
             * project for every funnel and retention question (0.6 s of a 1.9 s funnel on 10 M events,
             * measured). No key: a write only appends, and a key made each write twice as slow (measured).
             */
            new Migration(4, "links from anonymous ids to users, for funnels and retention", List.of("""
                    CREATE TABLE person_links (
                        project   VARCHAR   NOT NULL,
                        anon      VARCHAR   NOT NULL,
                        uid       VARCHAR   NOT NULL,
                        linked_at TIMESTAMP NOT NULL
                    )""",
                    "INSERT INTO person_links " + DuckDbPeople.linksFrom("events", "TRUE"))),
            // the event properties kept as columns of their own; see DuckDbHotProperties
            new Migration(5, "hot properties", List.of("""
                    CREATE TABLE hot_properties (
                        key         VARCHAR   PRIMARY KEY,
                        column_name VARCHAR   NOT NULL,
                        added_at    TIMESTAMP NOT NULL
                    )""")));

    private DuckDbMigrations() {
    }

    static int latestVersion() {
        return MIGRATIONS.get(MIGRATIONS.size() - 1).version();
    }

    static void apply(Connection connection) throws SQLException {
        try (Statement st = connection.createStatement()) {
            st.execute("""
                    CREATE TABLE IF NOT EXISTS tally_migrations (
                        version INTEGER PRIMARY KEY, description VARCHAR NOT NULL, applied_at TIMESTAMP NOT NULL)""");
        }
        int current = currentVersion(connection);
        if (current > latestVersion()) {
            throw new IllegalStateException("the DuckDB file has schema version " + current
                    + " but this Tally knows only up to " + latestVersion() + "; upgrade Tally");
        }
        for (Migration m : MIGRATIONS) {
            if (m.version() <= current) {
                continue;
            }
            DuckDbTransactions.run(connection, () -> {
                try (Statement st = connection.createStatement()) {
                    for (String sql : m.statements()) {
                        st.execute(sql);
                    }
                    st.execute("INSERT INTO tally_migrations VALUES (" + m.version() + ", "
                            + SqlWriter.literal(m.description()) + ", now()::TIMESTAMP)");
                }
            });
        }
    }

    private static int currentVersion(Connection connection) throws SQLException {
        try (Statement st = connection.createStatement();
             ResultSet rs = st.executeQuery("SELECT coalesce(max(version), 0) FROM tally_migrations")) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
