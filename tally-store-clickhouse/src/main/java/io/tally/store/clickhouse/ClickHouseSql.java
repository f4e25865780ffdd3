package io.tally.store.clickhouse;

import static java.util.Objects.requireNonNull;

import java.util.Collection;
import java.util.StringJoiner;

/**
 * The one place where values become SQL text. ClickHouse 18.16's HTTP interface has no query
 * parameters ({@code {name:Type}} and {@code param_*} arrived in 19.x; 18.16 answers "Unknown setting
 * param_x"), so every user-supplied string goes through {@link #literal}, and nothing else splices
 * values into SQL.
 */
final class ClickHouseSql {
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private ClickHouseSql() {
    }

    /**
     * A quoted string literal that reads back as exactly {@code value}. Inside ClickHouse's single
     * quotes only the backslash and the quote are special; both are escaped with a backslash. Control
     * characters are written as {@code \xHH} so that the query text never carries a raw NUL, newline or
     * tab (which some parsers and log lines treat specially). Everything else, including non-ASCII,
     * stays as it is and goes out as UTF-8; ClickHouse compares strings as bytes, and 18.16 has no
     * {@code \\u} escape (it reads {@code '\\u00e9'} as {@code u00e9}). Unpaired surrogates become
     * U+FFFD, exactly as {@link EventRows} stores them, so a lookup finds what was stored.
     */
    static String literal(String text) {
        String value = wellFormed(requireNonNull(text, "value is null"));
        StringBuilder out = new StringBuilder(value.length() + 2).append('\'');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\\' || c == '\'') {
                out.append('\\').append(c);
            } else if (c < 0x20 || c == 0x7F) {
                out.append("\\x").append(HEX[c >> 4]).append(HEX[c & 0xF]);
            } else {
                out.append(c);
            }
        }
        return out.append('\'').toString();
    }

    /**
     * {@code value} with every unpaired UTF-16 surrogate replaced by U+FFFD. Such a string has no UTF-8
     * form: ClickHouse refuses a JSON {@code "\\uD800"} (Code 25, "missing second part of surrogate
     * pair", measured on 18.16), which would fail the whole batch on every retry.
     */
    static String wellFormed(String value) {
        int i = 0;
        while (i < value.length() && !Character.isSurrogate(value.charAt(i))) {
            i++;
        }
        if (i == value.length()) {
            return value;
        }
        StringBuilder out = new StringBuilder(value.length()).append(value, 0, i);
        for (; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1))) {
                out.append(c).append(value.charAt(++i));
            } else {
                out.append(Character.isSurrogate(c) ? '\uFFFD' : c);
            }
        }
        return out.toString();
    }

    /** {@code ('a', 'b')}, for {@code IN}; the collection must not be empty (ClickHouse refuses {@code IN ()}). */
    static String literalList(Collection<String> values) {
        if (values.isEmpty()) {
            throw new IllegalArgumentException("an IN list needs at least one value");
        }
        StringJoiner joiner = new StringJoiner(", ", "(", ")");
        values.forEach(v -> joiner.add(literal(v)));
        return joiner.toString();
    }

    /**
     * A quoted identifier. Tally's identifiers are validated to {@code [A-Za-z_][A-Za-z0-9_]*} (see
     * {@link ClickHouseSettings}); this refuses anything else instead of trying to escape it.
     */
    static String identifier(String name) {
        if (!name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
            throw new IllegalArgumentException("not a plain identifier: " + name);
        }
        return '`' + name + '`';
    }
}
