package io.tally.store.duckdb;

import static java.util.Objects.requireNonNull;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;

/**
 * A statement being written: SQL text that Tally's code chose, and the values a user chose, each of
 * which becomes a {@code ?} bound in order. Keeping the two apart in one object is what makes
 * splicing a user value into the text impossible by accident: {@link #sql} is only ever called with
 * constants and names picked from enums, {@link #value} with everything else.
 */
final class SqlWriter {
    private final StringBuilder text = new StringBuilder(1024);
    private final List<Object> values = new ArrayList<>();
    private final HotColumns hot;

    /** A statement that reads every event property from the JSON text. */
    SqlWriter() {
        this(HotColumns.NONE);
    }

    /** A statement that reads the properties in {@code hot} from their columns. */
    SqlWriter(HotColumns hot) {
        this.hot = requireNonNull(hot, "hot is null");
    }

    HotColumns hot() {
        return hot;
    }

    /** Appends SQL written by Tally (never a user's value). */
    SqlWriter sql(String trusted) {
        text.append(requireNonNull(trusted, "trusted is null"));
        return this;
    }

    /** Appends a {@code ?} for {@code value}: a String, Long, Integer, Double, Boolean or LocalDateTime. */
    SqlWriter value(Object value) {
        requireNonNull(value, "value is null");
        if (!(value instanceof String || value instanceof Long || value instanceof Integer || value instanceof Double
                || value instanceof Boolean || value instanceof LocalDateTime)) {
            throw new IllegalArgumentException("cannot bind a " + value.getClass().getName());
        }
        text.append('?');
        values.add(value);
        return this;
    }

    /** Appends a list literal {@code [?, ?, ...]} of the values. */
    SqlWriter list(List<?> items) {
        text.append('[');
        for (int i = 0; i < items.size(); i++) {
            if (i > 0) {
                text.append(", ");
            }
            value(items.get(i));
        }
        text.append(']');
        return this;
    }

    /**
     * A SQL string literal for the few statements that take no parameters (ATTACH, and the migrations'
     * own bookkeeping); only ever for text Tally or its operator chose, never a user's value.
     */
    static String literal(String text) {
        return "'" + text.replace("'", "''") + "'";
    }

    String text() {
        return text.toString();
    }

    List<Object> values() {
        return List.copyOf(values);
    }

    /** Prepares the statement on {@code connection} with every value bound. */
    PreparedStatement prepare(Connection connection) throws SQLException {
        PreparedStatement statement = connection.prepareStatement(text.toString());
        try {
            for (int i = 0; i < values.size(); i++) {
                Object value = values.get(i);
                int index = i + 1;
                if (value instanceof String s) {
                    statement.setString(index, s);
                } else if (value instanceof Long l) {
                    statement.setLong(index, l);
                } else if (value instanceof Integer n) {
                    statement.setInt(index, n);
                } else if (value instanceof Double d) {
                    statement.setDouble(index, d);
                } else if (value instanceof Boolean b) {
                    statement.setBoolean(index, b);
                } else {
                    statement.setObject(index, value);
                }
            }
            return statement;
        } catch (SQLException | RuntimeException e) {
            statement.close();
            throw e;
        }
    }

    @Override
    public String toString() {
        return text + " " + values;
    }
}
