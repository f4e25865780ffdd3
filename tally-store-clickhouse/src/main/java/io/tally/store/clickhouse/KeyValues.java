package io.tally.store.clickhouse;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A JSON object as the two parallel arrays of a {@code Nested(key String, value String)} column.
 *
 * <p>A value is the text of a JSON scalar (a string without its quotes, a number as written,
 * {@code true}, {@code false}, {@code null}); an object or array is kept as compact JSON text, except
 * where {@link #readFlattened} walks into objects and names their leaves by dotted paths. Reused across
 * rows of a batch: each read replaces the previous content.
 */
final class KeyValues {
    /** With a buffer pool of its own, as {@link EventRows} explains: three parsers per event come from here. */
    private static final JsonFactory JSON = JsonFactory.builder().recyclerPool(JsonRecyclerPools.newConcurrentDequePool()).build();
    private final List<String> keys = new ArrayList<>();
    private final List<String> values = new ArrayList<>();

    /** The object's own fields; nested objects become JSON text values. */
    void readTopLevel(String objectJson) {
        read(objectJson, false);
    }

    /** Every leaf under its dotted path, e.g. {@code page.url}; arrays stay JSON text. */
    void readFlattened(String objectJson) {
        read(objectJson, true);
    }

    /** Removes the first entry named {@code key} and returns its value, or null when there is none. */
    String remove(String key) {
        int i = keys.indexOf(key);
        if (i < 0) {
            return null;
        }
        keys.remove(i);
        return values.remove(i);
    }

    int size() {
        return keys.size();
    }

    /** Writes {@code name.key} and {@code name.value}, the JSONEachRow names of a Nested column's arrays. */
    void write(JsonGenerator g, String name) throws IOException {
        g.writeArrayFieldStart(name + ".key");
        for (String k : keys) {
            g.writeString(ClickHouseSql.wellFormed(k));
        }
        g.writeEndArray();
        g.writeArrayFieldStart(name + ".value");
        for (String v : values) {
            g.writeString(ClickHouseSql.wellFormed(v));
        }
        g.writeEndArray();
    }

    private void read(String objectJson, boolean flatten) {
        keys.clear();
        values.clear();
        try (JsonParser p = JSON.createParser(objectJson)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                // the collector only passes objects; anything else has no keys to store
                return;
            }
            readObject(p, "", flatten);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read an event's JSON object: " + e.getMessage(), e);
        }
    }

    private void readObject(JsonParser p, String prefix, boolean flatten) throws IOException {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String key = prefix + p.currentName();
            JsonToken token = p.nextToken();
            if (token == JsonToken.START_OBJECT && flatten) {
                readObject(p, key + ".", true);
            } else {
                keys.add(key);
                values.add(valueText(p, token));
            }
        }
    }

    private static String valueText(JsonParser p, JsonToken token) throws IOException {
        if (token == JsonToken.START_OBJECT || token == JsonToken.START_ARRAY) {
            StringWriter out = new StringWriter();
            try (JsonGenerator g = JSON.createGenerator(out)) {
                copyAsWritten(p, g);
            }
            return out.toString();
        }
        return p.getText();
    }

    /**
     * Copies the object or array the parser stands on, compact. Not {@code copyCurrentStructure}: that
     * writes numbers from their parsed value, so {@code 9.50} would come out as {@code 9.5}, and a query
     * compares a nested value's text with numbers as written (docs/queries.md).
     */
    private static void copyAsWritten(JsonParser p, JsonGenerator g) throws IOException {
        int depth = 0;
        do {
            JsonToken token = p.currentToken();
            switch (token) {
                case START_OBJECT -> {
                    g.writeStartObject();
                    depth++;
                }
                case START_ARRAY -> {
                    g.writeStartArray();
                    depth++;
                }
                case END_OBJECT -> {
                    g.writeEndObject();
                    depth--;
                }
                case END_ARRAY -> {
                    g.writeEndArray();
                    depth--;
                }
                case FIELD_NAME -> g.writeFieldName(p.currentName());
                case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> g.writeNumber(p.getText());
                default -> g.copyCurrentEvent(p);
            }
            if (depth > 0) {
                p.nextToken();
            }
        } while (depth > 0);
    }
}
