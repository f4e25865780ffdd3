package io.tally.store.duckdb;

import static java.util.Objects.requireNonNull;

import io.tally.core.ErrorCode;
import io.tally.core.TallyException;
import io.tally.core.event.Event;
import io.tally.core.retention.RetentionPolicy;
import io.tally.core.event.RejectedEvent;
import io.tally.core.spi.EventStore;
import io.tally.core.spi.LoggedRejection;
import io.tally.core.spi.RejectedEventQueries;
import io.tally.core.spi.SavedDocuments;
import io.tally.core.spi.LogPartition;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;

/**
 * {@link EventStore} in one DuckDB file. Rows and loader positions are written in one transaction,
 * and the primary key (project, message_id) turns a re-delivered event into a no-op.
 *
 * <p>DuckDB allows one writing process per file; inside it, one connection writes (serialized by this
 * object's lock) and readers use their own duplicated connections, which DuckDB runs concurrently.
 */
public final class DuckDbEventStore implements EventStore, RejectedEventQueries, SavedDocuments {
    /** The name the file is attached under; every connection of this store uses it as its default. */
    private static final String DATABASE = "tally";
    private final DuckDBConnection writer;
    private final Clock clock;
    private final KnownLinks knownLinks = new KnownLinks();
    private final HotColumns hotColumns;
    private boolean closed;

    public DuckDbEventStore(DuckDbSettings settings, Clock clock) {
        requireNonNull(settings, "settings is null");
        this.clock = requireNonNull(clock, "clock is null");
        try {
            Files.createDirectories(settings.file().toAbsolutePath().getParent());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the directory of " + settings.file(), e);
        }
        try {
            // The row group size is an option of ATTACH, not of the connection URL: the connection opens an
            // in-memory database, attaches the file and makes it the default for every later statement.
            this.writer = (DuckDBConnection) DriverManager.getConnection("jdbc:duckdb:");
            try (Statement st = writer.createStatement()) {
                st.execute("ATTACH " + SqlWriter.literal(settings.file().toAbsolutePath().toString()) + " AS " + DATABASE
                        + (settings.rowGroupSize() > 0 ? " (ROW_GROUP_SIZE " + settings.rowGroupSize() + ")" : ""));
                st.execute("USE " + DATABASE);
                st.execute("SET TimeZone = 'UTC'");
                // DuckDB folds its write-ahead log into the file when the log reaches this size, and the
                // writer waits meanwhile; see DuckDbSettings.DEFAULT_ROW_GROUP_SIZE.
                st.execute("SET checkpoint_threshold = '" + settings.checkpointThreshold() + "'");
                if (settings.memoryLimit() != null) {
                    st.execute("SET memory_limit = '" + settings.memoryLimit() + "'");
                }
                if (settings.threads() > 0) {
                    st.execute("SET threads = " + settings.threads());
                }
            }
            DuckDbMigrations.apply(writer);
            this.hotColumns = DuckDbHotProperties.apply(writer, settings.hotProperties(), System.out::println);
        } catch (SQLException e) {
            throw new TallyException(ErrorCode.STORE_UNAVAILABLE,
                    "cannot open DuckDB file " + settings.file() + ": " + e.getMessage(), e);
        }
    }

    /** The event properties kept as columns of their own; see {@link DuckDbHotProperties}. */
    HotColumns hotColumns() {
        return hotColumns;
    }

    /** The column that holds a hot property's text form, for SQL written by hand (benchmarks); empty when the key is not hot. */
    public Optional<String> hotColumn(String key) {
        return Optional.ofNullable(hotColumns.column(key));
    }

    /** A new connection for reading, sharing this store's database. The caller closes it. */
    public Connection openReader() throws SQLException {
        DuckDBConnection reader = writer.duplicate();
        try (Statement st = reader.createStatement()) {
            st.execute("USE " + DATABASE);
            st.execute("SET TimeZone = 'UTC'");
        }
        return reader;
    }

    /**
     * Two paths. The fast one appends the batch straight into {@code events}; the primary key refuses it
     * whole if any event is already stored, which happens only after a client retry or a loader replay.
     * Then the batch goes through the staging table and {@code INSERT ... ON CONFLICT DO NOTHING},
     * which skips exactly the stored ones but costs about twice as much. Hot property columns (see
     * {@link DuckDbHotProperties}) are filled by an UPDATE after the append, and by the INSERT on the
     * staging path.
     */
    @Override
    public synchronized WriteResult write(List<Event> events, Map<LogPartition, Long> nextOffsets) {
        ensureOpen();
        List<Event> unique = withoutRepeats(events);
        List<KnownLinks.Link> links = knownLinks.candidates(unique);
        LocalDateTime loadedAt = utc(clock.instant());
        try {
            try {
                inTransaction(() -> {
                    append("events", unique, loadedAt);
                    DuckDbHotProperties.fill(writer, hotColumns, loadedAt);
                    saveLinks(links);
                    savePositions(nextOffsets);
                });
                knownLinks.remember(links);
                return new WriteResult(unique.size(), events.size() - unique.size());
            } catch (SQLException e) {
                if (!isDuplicateKey(e)) {
                    throw e;
                }
            }
            int[] written = new int[1];
            writeStaging(unique);
            inTransaction(() -> {
                written[0] = insertFromStaging(loadedAt);
                // links of events stored before may be appended again: harmless, a link is the earliest of its rows
                saveLinks(links);
                savePositions(nextOffsets);
            });
            knownLinks.remember(links);
            return new WriteResult(written[0], events.size() - written[0]);
        } catch (SQLException e) {
            throw new TallyException(ErrorCode.STORE_UNAVAILABLE, "DuckDB write failed: " + e.getMessage(), e);
        }
    }

    /** Copies {@code load_staging} into {@code events}, skipping the events stored already. */
    private int insertFromStaging(LocalDateTime loadedAt) throws SQLException {
        SqlWriter insert = new SqlWriter().sql("INSERT INTO events BY NAME SELECT *, ").value(loadedAt).sql(" AS loaded_at");
        DuckDbHotProperties.selectColumns(insert, hotColumns);
        insert.sql(" FROM load_staging ON CONFLICT DO NOTHING");
        try (PreparedStatement st = insert.prepare(writer)) {
            return st.executeUpdate();
        }
    }

    private void inTransaction(DuckDbTransactions.Work work) throws SQLException {
        DuckDbTransactions.run(writer, work);
    }

    private static boolean isDuplicateKey(SQLException e) {
        String message = String.valueOf(e.getMessage());
        return message.contains("violates primary key constraint") || message.contains("Constraint Error");
    }

    /** A batch may hold a client's retry of an event next to the original; the first one wins. */
    private static List<Event> withoutRepeats(List<Event> events) {
        Set<String> seen = new HashSet<>(events.size() * 2);
        List<Event> unique = new ArrayList<>(events.size());
        for (Event e : events) {
            if (seen.add(e.project() + '\u0000' + e.messageId())) {
                unique.add(e);
            }
        }
        return unique;
    }

    private void writeStaging(List<Event> events) throws SQLException {
        try (Statement st = writer.createStatement()) {
            st.execute("DELETE FROM load_staging");
        }
        append("load_staging", events, null);
    }

    /** Appends rows to {@code table}; with {@code loadedAt} null the last column (loaded_at) is left out. */
    private void append(String table, List<Event> events, LocalDateTime loadedAt) throws SQLException {
        try (DuckDBAppender appender = writer.createAppender(DuckDBConnection.DEFAULT_SCHEMA, table)) {
            for (Event e : events) {
                appender.beginRow();
                appender.append(e.project());
                appender.append(e.messageId());
                appender.append(e.type().wireName());
                appender.append(e.event());
                appender.append(e.distinctId());
                appendNullable(appender, e.userId());
                appendNullable(appender, e.anonymousId());
                appendInstant(appender, e.timestamp());
                appendInstant(appender, e.receivedAt());
                appendInstant(appender, e.sentAt());
                appendInstant(appender, e.originalTimestamp());
                appendNullable(appender, e.name());
                appendNullable(appender, e.groupId());
                appendNullable(appender, e.previousId());
                appender.append(e.properties());
                appender.append(e.traits());
                appender.append(e.context());
                appendNullable(appender, e.ip());
                appendNullable(appender, e.userAgent());
                if (loadedAt != null) {
                    appender.append(loadedAt);
                    // hot property columns come last; DuckDbHotProperties.fill sets them
                    for (int i = 0; i < hotColumns.columnsByKey().size(); i++) {
                        appender.appendNull();
                    }
                }
                appender.endRow();
            }
            // close() would flush too, but it swallows errors such as a duplicate key; flush() reports them
            appender.flush();
        }
    }

    private static void appendNullable(DuckDBAppender appender, String value) throws SQLException {
        if (value == null) {
            appender.appendNull();
        } else {
            appender.append(value);
        }
    }

    private static void appendInstant(DuckDBAppender appender, Instant value) throws SQLException {
        if (value == null) {
            appender.appendNull();
        } else {
            appender.appendEpochMicros(Math.addExact(Math.multiplyExact(value.getEpochSecond(), 1_000_000L),
                    value.getNano() / 1_000));
        }
    }

    /** Appends the batch's candidate links to {@code person_links} (see {@link DuckDbPeople} and {@link KnownLinks}). */
    private void saveLinks(List<KnownLinks.Link> links) throws SQLException {
        if (links.isEmpty()) {
            return;
        }
        try (DuckDBAppender appender = writer.createAppender(DuckDBConnection.DEFAULT_SCHEMA, "person_links")) {
            for (KnownLinks.Link link : links) {
                appender.beginRow();
                appender.append(link.project());
                appender.append(link.anon());
                appender.append(link.uid());
                appender.appendEpochMicros(link.linkedAt());
                appender.endRow();
            }
            appender.flush();
        }
    }

    private void savePositions(Map<LogPartition, Long> nextOffsets) throws SQLException {
        if (nextOffsets.isEmpty()) {
            return;
        }
        try (PreparedStatement upsert = writer.prepareStatement("""
                INSERT INTO loader_positions VALUES (?, ?, ?, ?)
                ON CONFLICT (topic, partition) DO UPDATE SET next_offset = excluded.next_offset, updated_at = excluded.updated_at""")) {
            LocalDateTime now = utc(clock.instant());
            for (Map.Entry<LogPartition, Long> e : nextOffsets.entrySet()) {
                upsert.setString(1, e.getKey().topic());
                upsert.setInt(2, e.getKey().partition());
                upsert.setLong(3, e.getValue());
                upsert.setObject(4, now);
                upsert.addBatch();
            }
            upsert.executeBatch();
        }
    }

    @Override
    public synchronized void writeRejected(List<LoggedRejection> rejected, Map<LogPartition, Long> nextOffsets) {
        ensureOpen();
        try {
            inTransaction(() -> {
                try (PreparedStatement insert = writer.prepareStatement(
                        "INSERT INTO rejected_events VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")) {
                    for (LoggedRejection logged : rejected) {
                        RejectedEvent r = logged.rejected();
                        insert.setString(1, logged.partition().topic());
                        insert.setInt(2, logged.partition().partition());
                        insert.setLong(3, logged.offset());
                        insert.setString(4, r.project());
                        insert.setObject(5, utc(r.receivedAt()));
                        insert.setString(6, r.code().wireName());
                        insert.setString(7, r.reason());
                        insert.setString(8, r.schema());
                        insert.setString(9, r.messageId());
                        insert.setString(10, r.payload());
                        insert.setString(11, r.ip());
                        insert.setString(12, r.userAgent());
                        insert.addBatch();
                    }
                    insert.executeBatch();
                }
                savePositions(nextOffsets);
            });
        } catch (SQLException e) {
            throw new TallyException(ErrorCode.STORE_UNAVAILABLE, "DuckDB write of rejected events failed: " + e.getMessage(), e);
        }
    }

    @Override
    public List<StoredRejection> rejected(String project, Instant since, int limit) {
        requireNonNull(project, "project is null");
        requireNonNull(since, "since is null");
        try (Connection c = openReader();
             PreparedStatement st = c.prepareStatement("""
                     SELECT received_at, code, reason, schema, message_id, payload, topic, partition, log_offset
                     FROM rejected_events WHERE project = ? AND received_at >= ?
                     ORDER BY received_at DESC, partition DESC, log_offset DESC LIMIT ?""")) {
            st.setString(1, project);
            st.setObject(2, utc(since));
            st.setInt(3, limit);
            List<StoredRejection> out = new ArrayList<>();
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    out.add(new StoredRejection(rs.getObject(1, LocalDateTime.class).toInstant(ZoneOffset.UTC), rs.getString(2),
                            rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6),
                            new LogPartition(rs.getString(7), rs.getInt(8)), rs.getLong(9)));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new TallyException(ErrorCode.STORE_UNAVAILABLE, "DuckDB read of rejected events failed: " + e.getMessage(), e);
        }
    }

    @Override
    public Optional<String> document(String project, String name) {
        try (Connection c = openReader();
             PreparedStatement st = c.prepareStatement("SELECT body FROM saved_documents WHERE project = ? AND name = ?")) {
            st.setString(1, project);
            st.setString(2, name);
            try (ResultSet rs = st.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new TallyException(ErrorCode.STORE_UNAVAILABLE, "DuckDB read of a saved document failed: " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized void saveDocument(String project, String name, String json) {
        ensureOpen();
        try {
            inTransaction(() -> {
                try (PreparedStatement upsert = writer.prepareStatement("""
                        INSERT INTO saved_documents VALUES (?, ?, ?, ?)
                        ON CONFLICT (project, name) DO UPDATE SET body = excluded.body, saved_at = excluded.saved_at""")) {
                    upsert.setString(1, project);
                    upsert.setString(2, name);
                    upsert.setString(3, json);
                    upsert.setObject(4, utc(clock.instant()));
                    upsert.executeUpdate();
                }
            });
        } catch (SQLException e) {
            throw new TallyException(ErrorCode.STORE_UNAVAILABLE, "DuckDB save of a document failed: " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized Map<LogPartition, Long> positions(Set<LogPartition> partitions) {
        ensureOpen();
        Map<LogPartition, Long> result = new HashMap<>();
        try (Statement st = writer.createStatement();
             ResultSet rs = st.executeQuery("SELECT topic, partition, next_offset FROM loader_positions")) {
            while (rs.next()) {
                LogPartition p = new LogPartition(rs.getString(1), rs.getInt(2));
                if (partitions.contains(p)) {
                    result.put(p, rs.getLong(3));
                }
            }
            return result;
        } catch (SQLException e) {
            throw new TallyException(ErrorCode.STORE_UNAVAILABLE, "DuckDB read of loader positions failed: " + e.getMessage(), e);
        }
    }

    /**
     * Deletes each project's events older than its raw retention. DuckDB has no rollups to expire: its
     * queries read raw events, and one machine's data is small enough to keep them for the whole period.
     */
    @Override
    public synchronized List<String> expire(RetentionPolicy policy, Instant now) {
        requireNonNull(policy, "policy is null");
        requireNonNull(now, "now is null");
        ensureOpen();
        List<String> actions = new ArrayList<>();
        try {
            List<String> projects = new ArrayList<>();
            try (Statement st = writer.createStatement(); ResultSet rs = st.executeQuery("SELECT DISTINCT project FROM events ORDER BY project")) {
                while (rs.next()) {
                    projects.add(rs.getString(1));
                }
            }
            for (String project : projects) {
                LocalDateTime cutoff = utc(policy.forProject(project).rawCutoff(now));
                int[] deleted = new int[1];
                // the events and the links they made go together
                inTransaction(() -> {
                    deleted[0] = deleteBefore("DELETE FROM events WHERE project = ? AND timestamp < ?", project, cutoff);
                    if (deleted[0] > 0 || linksRepeat(project)) {
                        relink(project);
                    }
                    // refused events are kept as long as the project's raw events
                    deleteBefore("DELETE FROM rejected_events WHERE project = ? AND received_at < ?", project, cutoff);
                });
                if (deleted[0] > 0) {
                    actions.add("deleted " + deleted[0] + " events of project " + project + " before " + cutoff.toInstant(ZoneOffset.UTC));
                }
            }
        } catch (SQLException e) {
            throw new TallyException(ErrorCode.STORE_UNAVAILABLE, "DuckDB retention failed: " + e.getMessage(), e);
        }
        return actions;
    }

    /**
     * Whether the project's link log holds more than two rows per anonymous id: repeats that {@link
     * KnownLinks} let through once an id had left it. Retention runs hourly, so this folds them before
     * they grow the links queries read.
     */
    private boolean linksRepeat(String project) throws SQLException {
        try (PreparedStatement st = writer.prepareStatement("SELECT count(*) > 2 * count(DISTINCT anon) FROM person_links WHERE project = ?")) {
            st.setString(1, project);
            try (ResultSet rs = st.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }

    private int deleteBefore(String sql, String project, LocalDateTime cutoff) throws SQLException {
        try (PreparedStatement delete = writer.prepareStatement(sql)) {
            delete.setString(1, project);
            delete.setObject(2, cutoff);
            return delete.executeUpdate();
        }
    }

    /**
     * Works the project's links out again from its events, one per anonymous id: after events are
     * deleted, the links they made go with them, and the log's repeats are folded.
     */
    private void relink(String project) throws SQLException {
        knownLinks.forget();
        try (PreparedStatement drop = writer.prepareStatement("DELETE FROM person_links WHERE project = ?");
             PreparedStatement derive = writer.prepareStatement("INSERT INTO person_links " + DuckDbPeople.linksFrom("events", "project = ?"))) {
            drop.setString(1, project);
            drop.executeUpdate();
            derive.setString(1, project);
            derive.setString(2, project);
            derive.executeUpdate();
        }
    }

    @Override
    public long countEvents(String project) {
        try (Connection c = openReader();
             PreparedStatement st = c.prepareStatement("SELECT count(*) FROM events WHERE project = ?")) {
            st.setString(1, project);
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw new TallyException(ErrorCode.STORE_UNAVAILABLE, "DuckDB count failed: " + e.getMessage(), e);
        }
    }

    @Override
    public String name() {
        return "duckdb";
    }

    static LocalDateTime utc(Instant instant) {
        return LocalDateTime.ofInstant(instant, ZoneOffset.UTC);
    }

    private void ensureOpen() {
        if (closed) {
            throw new TallyException(ErrorCode.STORE_UNAVAILABLE, "the DuckDB store is closed");
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try (Statement st = writer.createStatement()) {
            // fold the write-ahead log into the file so the next start opens fast
            st.execute("CHECKPOINT");
        } catch (SQLException ignored) {
            // closing anyway; DuckDB replays the WAL at the next open
        }
        try {
            writer.close();
        } catch (SQLException ignored) {
            // nothing more can be done at close
        }
    }
}
