package io.tally.store.clickhouse;

import static java.util.Objects.requireNonNull;

import io.tally.core.query.Breakdown;
import io.tally.core.query.EventMatcher;
import io.tally.core.query.Filter;
import io.tally.core.query.FilterValue;
import io.tally.core.query.PropertyRef;
import java.util.ArrayList;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.StringJoiner;

/**
 * Filters and property references of docs/queries.md as SQL over one row of {@code events}.
 *
 * <p>Every property is a pair: whether the event has it ({@link Value#present}) and its text
 * ({@link Value#text}, a non-Nullable String). The pair keeps the SQL clear of Nullable logic, which
 * 18.16 gets wrong for negations: {@code NOT (0 AND NULL)} is NULL there, so a negated filter over a
 * missing value would drop the row instead of passing it (measured). Top-level properties are the
 * {@code properties} Nested arrays; context paths are the hot columns of
 * {@link ClickHouseMigrations#HOT_CONTEXT_PATHS} or the flattened {@code context} arrays.
 */
final class ClickHouseFilters {
    /**
     * What "the property's text is a number" means (docs/queries.md, and the reference implementation's
     * rule): the text of a JSON number, also inside a JSON string. {@code "NaN"}, {@code " 5"},
     * {@code "+5"} or {@code "0x10"} are not numbers, although ClickHouse's and Java's parsers take them.
     */
    private static final String NUMBER_PATTERN = "^-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?$";

    /** The short escapes a compact JSON writer uses: backslash, quote and the common control characters. */
    private static final String[][] JSON_ESCAPES = {{"\\", "\\\\"}, {"\"", "\\\""}, {"\n", "\\n"}, {"\r", "\\r"},
            {"\t", "\\t"}, {"\b", "\\b"}, {"\f", "\\f"}};

    private ClickHouseFilters() {
    }

    /** Whether an event has a property, and its text; both are SQL expressions. */
    record Value(String present, String text) {
        Value {
            requireNonNull(present, "present is null");
            requireNonNull(text, "text is null");
        }

        /** The property's text, or {@code $none} when the event lacks it: a breakdown's value. */
        String orNone() {
            if (present.equals("1")) {
                return text;
            }
            return "if(" + present + ", " + text + ", " + ClickHouseSql.literal(Breakdown.NONE) + ")";
        }
    }

    static Value value(PropertyRef property) {
        requireNonNull(property, "property is null");
        if (property instanceof PropertyRef.EventName) {
            return new Value("1", "event");
        }
        if (property instanceof PropertyRef.DistinctId) {
            return new Value("1", "distinct_id");
        }
        if (property instanceof PropertyRef.UserId) {
            return nullableColumn("user_id");
        }
        if (property instanceof PropertyRef.AnonymousId) {
            return nullableColumn("anonymous_id");
        }
        if (property instanceof PropertyRef.EventProperty p) {
            return keyed("properties", p.key());
        }
        if (property instanceof PropertyRef.ContextField c) {
            return context(c.path());
        }
        throw new IllegalArgumentException("unknown property " + property);
    }

    /**
     * A context path: a hot column if it has one; the two fields the collector keeps as columns of their
     * own ({@code userAgent}, {@code ip}, empty when unknown); otherwise the flattened arrays, where
     * {@code page.url} is the key of the leaf {@code {"page":{"url":...}}}. A path that names an object
     * ({@code context.page}) has no stored value of its own; see {@link #contextObject}.
     */
    private static Value context(String path) {
        if (ClickHouseMigrations.HOT_CONTEXT_PATHS.contains(path)) {
            return nullableColumn(ClickHouseMigrations.hotColumn(path));
        }
        if (path.equals("userAgent")) {
            return new Value("user_agent != ''", "user_agent");
        }
        if (path.equals("ip")) {
            return new Value("ip != ''", "ip");
        }
        Value leaf = keyed("context", path);
        Value object = contextObject(path);
        return new Value("(" + leaf.present() + " OR " + object.present() + ")",
                "if(" + leaf.present() + ", " + leaf.text() + ", " + object.text() + ")");
    }

    /**
     * An object in the context, rebuilt from its stored leaves, because the store keeps the context
     * flattened (see {@link KeyValues}): present when any leaf lies under it; its text is compact JSON
     * of its direct leaves, hot columns first in their table order, then the others in stored order,
     * each value unquoted when it reads as a JSON number, {@code true}, {@code false} or {@code null}
     * and quoted otherwise. That is the object's exact text for the usual objects of string leaves
     * ({@code page}, {@code library}, {@code campaign}); what flattening loses cannot come back: an
     * empty object is absent, a numeric string loses its quotes, deeper objects and a key order that
     * mixed hot and other leaves are not restored.
     */
    private static Value contextObject(String path) {
        String prefix = path + ".";
        String prefixLiteral = ClickHouseSql.literal(prefix);
        int prefixBytes = prefix.getBytes(StandardCharsets.UTF_8).length;
        String under = "substring(k, 1, " + prefixBytes + ") = " + prefixLiteral;
        List<String> present = new ArrayList<>();
        List<String> hotParts = new ArrayList<>();
        for (String hot : ClickHouseMigrations.HOT_CONTEXT_PATHS) {
            if (hot.startsWith(prefix)) {
                String column = ClickHouseMigrations.hotColumn(hot);
                present.add("isNotNull(" + column + ")");
                hotParts.add("if(isNotNull(" + column + "), concat(" + ClickHouseSql.literal(jsonString(hot.substring(prefix.length())) + ":")
                        + ", " + jsonValue("ifNull(" + column + ", '')") + "), '')");
            }
        }
        present.add("arrayExists(k -> " + under + ", context.key)");
        String subkey = jsonEscaped("substring(k, " + (prefixBytes + 1) + ")");
        String others = "arrayMap((k, v) -> concat('\"', " + subkey + ", '\":', " + jsonValue("v") + "),"
                + " arrayFilter((k, v) -> " + under + ", context.key, context.value),"
                + " arrayFilter((v, k) -> " + under + ", context.value, context.key))";
        String parts = hotParts.isEmpty() ? others
                : "arrayConcat(arrayFilter(x -> x != '', [" + String.join(", ", hotParts) + "]), " + others + ")";
        return new Value(String.join(" OR ", present), "concat('{', arrayStringConcat(" + parts + ", ','), '}')");
    }

    /** A leaf's text as a JSON value: as it is when it reads as a number or literal, else a quoted string. */
    private static String jsonValue(String text) {
        return "if(" + isNumber(text) + " OR " + text + " IN ('true', 'false', 'null'), " + text + ", concat('\"', " + jsonEscaped(text) + ", '\"'))";
    }

    private static String jsonEscaped(String text) {
        String escaped = text;
        for (String[] e : JSON_ESCAPES) {
            escaped = "replaceAll(" + escaped + ", " + ClickHouseSql.literal(e[0]) + ", " + ClickHouseSql.literal(e[1]) + ")";
        }
        return escaped;
    }

    private static String jsonString(String text) {
        String escaped = text;
        for (String[] e : JSON_ESCAPES) {
            escaped = escaped.replace(e[0], e[1]);
        }
        return '"' + escaped + '"';
    }

    private static Value nullableColumn(String column) {
        return new Value("isNotNull(" + column + ")", "ifNull(" + column + ", '')");
    }

    private static Value keyed(String nested, String key) {
        String k = ClickHouseSql.literal(key);
        // indexOf is 0 for a missing key, and [0] of a ClickHouse array is the type's default, ''
        return new Value("has(" + nested + ".key, " + k + ")", nested + ".value[indexOf(" + nested + ".key, " + k + ")]");
    }

    /** Events named as the matcher says that pass its filters and {@code common}. */
    static String matches(EventMatcher matcher, List<Filter> common) {
        List<String> terms = new ArrayList<>();
        terms.add("event = " + ClickHouseSql.literal(matcher.event()));
        terms.add(all(matcher.filters()));
        terms.add(all(common));
        return and(terms);
    }

    /** All filters as one condition; {@code 1} for none. */
    static String all(List<Filter> filters) {
        List<String> terms = new ArrayList<>();
        for (Filter f : filters) {
            terms.add(condition(f));
        }
        return and(terms);
    }

    static String and(List<String> terms) {
        StringJoiner joiner = new StringJoiner(" AND ");
        for (String t : terms) {
            if (!t.equals("1")) {
                joiner.add("(" + t + ")");
            }
        }
        return joiner.length() == 0 ? "1" : joiner.toString();
    }

    static String condition(Filter filter) {
        Value v = value(filter.property());
        return switch (filter.op()) {
            case EQ -> equalsAny(v, filter.values());
            case NEQ, NOT_IN -> "NOT (" + equalsAny(v, filter.values()) + ")";
            case IN -> equalsAny(v, filter.values());
            case CONTAINS -> contains(v, filter.values().get(0));
            case NOT_CONTAINS -> "NOT (" + contains(v, filter.values().get(0)) + ")";
            case GT -> compare(v, ">", filter.values().get(0));
            case GTE -> compare(v, ">=", filter.values().get(0));
            case LT -> compare(v, "<", filter.values().get(0));
            case LTE -> compare(v, "<=", filter.values().get(0));
            case IS_SET -> v.present();
            case IS_NOT_SET -> "NOT (" + v.present() + ")";
        };
    }

    /** Text values compare as text, number values numerically with a text that is a number. */
    private static String equalsAny(Value v, List<FilterValue> values) {
        List<String> texts = new ArrayList<>();
        List<String> numbers = new ArrayList<>();
        for (FilterValue value : values) {
            if (value.number()) {
                numbers.add(float64(value.asDouble()));
            } else {
                texts.add(value.text());
            }
        }
        List<String> alternatives = new ArrayList<>();
        if (!texts.isEmpty()) {
            alternatives.add(texts.size() == 1 ? v.text() + " = " + ClickHouseSql.literal(texts.get(0))
                    : v.text() + " IN " + ClickHouseSql.literalList(texts));
        }
        if (!numbers.isEmpty()) {
            String number = toNumber(v.text());
            alternatives.add(isNumber(v.text()) + " AND " + (numbers.size() == 1 ? number + " = " + numbers.get(0)
                    : number + " IN (" + String.join(", ", numbers) + ")"));
        }
        String any = alternatives.size() == 1 ? alternatives.get(0) : "(" + String.join(") OR (", alternatives) + ")";
        return and(List.of(v.present(), any));
    }

    /** {@code position} is 1 for an empty needle, as Java's {@code contains("")} is true. */
    private static String contains(Value v, FilterValue needle) {
        return and(List.of(v.present(), "position(" + v.text() + ", " + ClickHouseSql.literal(needle.text()) + ") > 0"));
    }

    private static String compare(Value v, String operator, FilterValue bound) {
        return and(List.of(v.present(), isNumber(v.text()), toNumber(v.text()) + " " + operator + " " + float64(bound.asDouble())));
    }

    /** Whether a text expression holds a number; see {@link #NUMBER_PATTERN}. */
    static String isNumber(String text) {
        return "match(" + text + ", " + ClickHouseSql.literal(NUMBER_PATTERN) + ")";
    }

    /**
     * The text as Float64, meaningful where {@link #isNumber} holds. 18.16 parses decimal text to the
     * nearest double (checked against Java on 200,000 random numbers of up to 20 digits); only the very
     * smallest subnormals come out as 0.
     */
    static String toNumber(String text) {
        return "toFloat64OrZero(" + text + ")";
    }

    /**
     * A double as SQL, bit for bit: its eight bytes reinterpreted. Decimal literals are not safe on
     * 18.16, which refuses {@code 1e-320} as a syntax error and parses some subnormal text as 0.
     */
    static String float64(double value) {
        long bits = Double.doubleToRawLongBits(value);
        byte[] littleEndian = new byte[8];
        for (int i = 0; i < 8; i++) {
            littleEndian[i] = (byte) (bits >>> (8 * i));
        }
        return "reinterpretAsFloat64(unhex('" + HexFormat.of().withUpperCase().formatHex(littleEndian) + "'))";
    }
}
