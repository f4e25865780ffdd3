package io.tally.store.duckdb;

import static java.util.Objects.requireNonNull;
import static java.nio.charset.StandardCharsets.UTF_8;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;

/**
 * The event properties the store keeps as columns of their own ("hot properties", see
 * {@link DuckDbHotProperties}), by key. A query that names one reads the column instead of extracting
 * the value from the JSON text of every row.
 */
final class HotColumns {
    static final HotColumns NONE = new HotColumns(Map.of());

    private final Map<String, String> columnsByKey;

    HotColumns(Map<String, String> columnsByKey) {
        this.columnsByKey = Map.copyOf(requireNonNull(columnsByKey, "columnsByKey is null"));
    }

    /** The column holding the property's text form, or null when the property is not hot. */
    String column(String key) {
        return columnsByKey.get(key);
    }

    Map<String, String> columnsByKey() {
        return columnsByKey;
    }

    boolean isEmpty() {
        return columnsByKey.isEmpty();
    }

    /**
     * The column's name: made from a digest of the key, so that any key (quotes, spaces, any script)
     * gives a plain identifier and the name never carries user text into SQL.
     */
    static String nameFor(String key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getBytes(UTF_8));
            return "hot_" + HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
