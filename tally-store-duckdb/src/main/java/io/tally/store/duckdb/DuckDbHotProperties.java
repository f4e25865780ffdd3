package io.tally.store.duckdb;

import io.tally.core.query.PropertyRef;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Hot properties: event properties an operator names (for example the ones dashboards break down by),
 * each kept in a VARCHAR column of {@code events} beside the JSON text. A breakdown or filter on one
 * reads that column instead of parsing every row's JSON (measured on the query benchmark's 30-day
 * trend over 1.8 M events: 86-114 ms instead of 151-194 ms). The column holds exactly the property's text
 * form ({@link DuckDbProperties#text}), written by that same SQL expression, so answers do not change.
 *
 * <p>The names in use are recorded in {@code hot_properties}. At start the store makes the table
 * match its settings: a new key gets its column, filled for every stored event (one UPDATE and a
 * checkpoint; about 4 s per 10 M events here); a key no longer named loses its column. A write fills
 * the columns of the rows it adds in the same transaction (see {@link #fill}).
 */
final class DuckDbHotProperties {
    private DuckDbHotProperties() {
    }

    /** Adds and drops columns until they match {@code wanted}; returns the columns in use. */
    static HotColumns apply(Connection connection, List<String> wanted, Consumer<String> progress) throws SQLException {
        Map<String, String> recorded = recorded(connection);
        for (String key : List.copyOf(recorded.keySet())) {
            if (!wanted.contains(key)) {
                String column = recorded.remove(key);
                DuckDbTransactions.run(connection, () -> {
                    try (Statement st = connection.createStatement()) {
                        st.execute("ALTER TABLE events DROP COLUMN " + column);
                    }
                    try (PreparedStatement delete = connection.prepareStatement("DELETE FROM hot_properties WHERE key = ?")) {
                        delete.setString(1, key);
                        delete.executeUpdate();
                    }
                });
                progress.accept("hot property '" + key + "' is no longer named: dropped its column " + column);
            }
        }
        for (String key : wanted) {
            if (recorded.containsKey(key)) {
                continue;
            }
            String column = HotColumns.nameFor(key);
            long started = System.nanoTime();
            long[] filled = new long[1];
            DuckDbTransactions.run(connection, () -> {
                try (Statement st = connection.createStatement()) {
                    st.execute("ALTER TABLE events ADD COLUMN " + column + " VARCHAR");
                }
                SqlWriter fill = new SqlWriter().sql("UPDATE events SET " + column + " = ");
                DuckDbProperties.text(fill, new PropertyRef.EventProperty(key));
                try (PreparedStatement update = fill.prepare(connection)) {
                    filled[0] = update.executeUpdate();
                }
                try (PreparedStatement insert = connection.prepareStatement("INSERT INTO hot_properties VALUES (?, ?, now()::TIMESTAMP)")) {
                    insert.setString(1, key);
                    insert.setString(2, column);
                    insert.executeUpdate();
                }
            });
            recorded.put(key, column);
            // the UPDATE left every row's new value in update chains, which queries read slowly until a
            // checkpoint writes them into the table's own storage
            try (Statement st = connection.createStatement()) {
                st.execute("CHECKPOINT");
            }
            progress.accept(String.format("hot property '%s': column %s filled for %,d stored events in %,d ms",
                    key, column, filled[0], (System.nanoTime() - started) / 1_000_000));
        }
        return new HotColumns(recorded);
    }

    /**
     * Fills the hot columns of the rows the fast path appended, found by their {@code loaded_at} (rows
     * of an earlier write at the same instant, from a clock that stood still, get the same values
     * again). An UPDATE keeps the values in DuckDB's update chains until the next checkpoint, where
     * reading them is slower: over all 10 M rows of the query benchmark right after a backfill, 154 ms
     * instead of 86 ms for its trend, which is why a backfill checkpoints at once. Between two
     * automatic checkpoints only the rows written since the last one are in chains. Filling the
     * columns in an INSERT from the staging table instead kept them out of chains but made every
     * write 2.3 times as slow (p50 of a 1,000-event write: 48-58 ms against 19-25 ms without hot
     * properties, and 22-25 ms with this UPDATE; measured).
     */
    static void fill(Connection connection, HotColumns hot, LocalDateTime loadedAt) throws SQLException {
        if (hot.isEmpty()) {
            return;
        }
        SqlWriter update = new SqlWriter().sql("UPDATE events SET ");
        boolean first = true;
        for (Map.Entry<String, String> entry : hot.columnsByKey().entrySet()) {
            update.sql(first ? "" : ", ").sql(entry.getValue() + " = ");
            DuckDbProperties.text(update, new PropertyRef.EventProperty(entry.getKey()));
            first = false;
        }
        update.sql(" WHERE loaded_at = ").value(loadedAt);
        try (PreparedStatement st = update.prepare(connection)) {
            st.executeUpdate();
        }
    }

    /**
     * {@code , <text form> AS <column>} for each hot column, to add to a SELECT over rows that have a
     * {@code properties} column: how the staging path fills the columns as it inserts.
     */
    static void selectColumns(SqlWriter w, HotColumns hot) {
        for (Map.Entry<String, String> entry : hot.columnsByKey().entrySet()) {
            w.sql(", ");
            DuckDbProperties.text(w, new PropertyRef.EventProperty(entry.getKey()));
            w.sql(" AS " + entry.getValue());
        }
    }

    private static Map<String, String> recorded(Connection connection) throws SQLException {
        Map<String, String> recorded = new LinkedHashMap<>();
        try (Statement st = connection.createStatement();
             ResultSet rs = st.executeQuery("SELECT key, column_name FROM hot_properties ORDER BY added_at, key")) {
            while (rs.next()) {
                recorded.put(rs.getString(1), rs.getString(2));
            }
        }
        return recorded;
    }
}
