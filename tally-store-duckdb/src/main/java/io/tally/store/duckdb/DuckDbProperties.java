package io.tally.store.duckdb;

import io.tally.core.query.PropertyRef;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * SQL expressions for what a {@link PropertyRef} names in a row of {@code events}: its text form, its
 * value when that text is a number, and whether it is there at all (docs/queries.md, "Filters").
 *
 * <p>Properties and context are JSON object text. A key reaches DuckDB only as a bound JSON pointer
 * ({@code /key}, with {@code ~} and {@code /} escaped as RFC 6901 says), so quotes, dots, {@code $},
 * backslashes or {@code *} in a key are just characters. The pointer form is used rather than
 * {@code $."key"} because DuckDB reads a quoted {@code "*"} there as a wildcard.
 *
 * <p>DuckDB's JSON reader turns numbers into doubles and writes them back normalized ({@code 9.50}
 * becomes {@code 9.5}, {@code 1e3} becomes {@code 1000.0}), but the docs compare "a number as
 * written". So for a number the written text is searched in the document with a regular expression
 * built from the key, and the match whose value equals the parsed number is taken; only when none is
 * found does the normalized form stand in. Numbers inside a nested object or array stay normalized in
 * its compact text ({@code {"k":2.50}} reads {@code {"k":2.5}}): finding them as written would take a
 * JSON tokenizer in SQL.
 *
 * <p>The common values take {@code json_extract_string} alone, named several times in one expression:
 * that measured two to three times faster than extracting the value once and handing it to a
 * one-element lambda (a breakdown over 1.8 M events, 10 M in the table), the way the rarer values
 * (numbers, null) are still handled.
 */
final class DuckDbProperties {
    /** A JSON number, written whole: when a text "is a number" (the reference implementation's rule). */
    static final String NUMBER_PATTERN = "-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?";

    private DuckDbProperties() {
    }

    /** The text form, or NULL when the property is absent. */
    static void text(SqlWriter w, PropertyRef property) {
        String column = column(w, property);
        if (column != null) {
            w.sql(column);
            return;
        }
        Json json = json(property);
        // json_extract_string is the text form itself for a string (unescaped), true, false and an
        // object or array (compact JSON): every value whose text does not start with a digit or '-'
        // (a string that does takes the slow path too, which gives the same text). A number's text
        // must be the one written in the document, and JSON null must read "null", so those two take
        // the slow path below.
        w.sql("CASE WHEN ");
        extractString(w, json);
        w.sql(" IS NULL OR ");
        extractString(w, json);
        w.sql(" >= '0' AND ");
        extractString(w, json);
        w.sql(" < ':' OR starts_with(");
        extractString(w, json);
        w.sql(", '-') THEN ");
        w.sql("list_transform([json_extract(" + json.column() + ", ").value(json.pointer()).sql(")::VARCHAR], lambda j: CASE")
                .sql(" WHEN j IS NULL THEN NULL")
                .sql(" WHEN starts_with(j, '\"') THEN j ->> '$'")
                // a number: the text as written in the document, found by key and checked by value
                .sql(" WHEN regexp_matches(j, '^-?[0-9]') THEN coalesce(list_filter(regexp_extract_all(")
                .sql(json.column()).sql(", ").value(json.writtenNumberPattern())
                .sql(", 1), lambda x: TRY_CAST(x AS DOUBLE) = TRY_CAST(j AS DOUBLE))[1], j)")
                // null
                .sql(" ELSE j END)[1] ELSE ");
        extractString(w, json);
        w.sql(" END");
    }

    private static void extractString(SqlWriter w, Json json) {
        w.sql("json_extract_string(" + json.column() + ", ").value(json.pointer()).sql(")");
    }

    /** The value as a DOUBLE when its text form is a JSON number, else NULL. */
    static void number(SqlWriter w, PropertyRef property) {
        String column = column(w, property);
        if (column != null) {
            w.sql("CASE WHEN regexp_full_match(" + column + ", ").value(NUMBER_PATTERN)
                    .sql(") THEN TRY_CAST(" + column + " AS DOUBLE) END");
            return;
        }
        // json_extract_string gives a string's own text, and a number's text as DuckDB writes it back
        // (9.50 as 9.5), which parses to the same double; a numeric string counts: values are compared
        // by their text form
        Json json = json(property);
        w.sql("CASE WHEN regexp_full_match(");
        extractString(w, json);
        w.sql(", ").value(NUMBER_PATTERN).sql(") THEN TRY_CAST(");
        extractString(w, json);
        w.sql(" AS DOUBLE) END");
    }

    /** TRUE when the property is present (a JSON null counts as present), else FALSE. */
    static void present(SqlWriter w, PropertyRef property) {
        if (property instanceof PropertyRef.EventName || property instanceof PropertyRef.DistinctId) {
            w.sql("TRUE");
            return;
        }
        String column = column(w, property);
        if (column != null) {
            w.sql("(" + column + " IS NOT NULL)");
            return;
        }
        Json json = json(property);
        w.sql("coalesce(json_exists(" + json.column() + ", ").value(json.pointer()).sql("), FALSE)");
    }

    /**
     * The column that holds the property's text form (NULL when absent): an id's own column, or a hot
     * property's column, which holds exactly what {@link #text} extracts from the JSON, written by the
     * same expression when the event was stored; null for properties read from the JSON text.
     */
    private static String column(SqlWriter w, PropertyRef property) {
        if (property instanceof PropertyRef.EventProperty p) {
            return w.hot().column(p.key());
        }
        return idColumn(property);
    }

    /** The column of an id, or null for JSON-held properties. */
    private static String idColumn(PropertyRef property) {
        if (property instanceof PropertyRef.EventName) {
            return "event";
        }
        if (property instanceof PropertyRef.UserId) {
            return "user_id";
        }
        if (property instanceof PropertyRef.AnonymousId) {
            return "anonymous_id";
        }
        if (property instanceof PropertyRef.DistinctId) {
            return "distinct_id";
        }
        return null;
    }

    private static Json json(PropertyRef property) {
        if (property instanceof PropertyRef.EventProperty p) {
            // "everything after properties. is the key, dots included": one level
            return new Json("properties", List.of(p.key()));
        }
        if (property instanceof PropertyRef.ContextField c) {
            return new Json("context", Arrays.asList(c.path().split("\\.")));
        }
        throw new IllegalArgumentException("not a JSON-held property: " + property);
    }

    /** A value inside one of the JSON columns, by its keys from the outermost. */
    private record Json(String column, List<String> keys) {
        /** The RFC 6901 pointer: {@code ~} becomes {@code ~0}, {@code /} becomes {@code ~1}. */
        String pointer() {
            StringBuilder pointer = new StringBuilder();
            for (String key : keys) {
                pointer.append('/').append(key.replace("~", "~0").replace("/", "~1"));
            }
            return pointer.toString();
        }

        /** {@code "key" : <number>} with the last key as JSON writes it; group 1 is the number. */
        String writtenNumberPattern() {
            return "\"" + jsonKeyPattern(keys.get(keys.size() - 1)) + "\"\\s*:\\s*(" + NUMBER_PATTERN.replace("(", "(?:") + ")";
        }
    }

    /**
     * A regular expression (RE2) matching the key as it may be written inside a JSON string: each
     * character literally or as a {@code \\uXXXX} escape, and the characters JSON must escape in
     * their escaped forms. Regex syntax characters are escaped, so the key can never change the
     * pattern's structure.
     */
    static String jsonKeyPattern(String key) {
        StringBuilder pattern = new StringBuilder();
        key.codePoints().forEach(cp -> {
            String unicodeEscapes = unicodeEscapePattern(cp);
            String literal = switch (cp) {
                case '"' -> "\\\\\"";
                case '\\' -> "\\\\\\\\";
                case '\n' -> "\\\\n";
                case '\r' -> "\\\\r";
                case '\t' -> "\\\\t";
                case '\b' -> "\\\\b";
                case '\f' -> "\\\\f";
                case '/' -> "\\\\?/";
                default -> cp < 0x20 ? null : literal(cp);
            };
            pattern.append("(?:");
            if (literal != null) {
                pattern.append(literal).append('|');
            }
            pattern.append(unicodeEscapes).append(')');
        });
        return pattern.toString();
    }

    private static String literal(int codePoint) {
        if (codePoint >= 0x20 && codePoint < 0x7F && !Character.isLetterOrDigit(codePoint)) {
            // RE2 reads a backslash before printable ASCII punctuation (and space) as that character itself
            return "\\" + (char) codePoint;
        }
        return new String(Character.toChars(codePoint));
    }

    /** {@code \\uXXXX} (or a surrogate pair of them), hex digits in either case. */
    private static String unicodeEscapePattern(int codePoint) {
        StringBuilder pattern = new StringBuilder();
        for (char unit : Character.toChars(codePoint)) {
            pattern.append("\\\\u");
            for (char hex : String.format(Locale.ROOT, "%04x", (int) unit).toCharArray()) {
                pattern.append(Character.isLetter(hex) ? "[" + hex + Character.toUpperCase(hex) + "]" : String.valueOf(hex));
            }
        }
        return pattern.toString();
    }
}
