package io.tally.store.duckdb;

import io.tally.core.query.EventMatcher;
import io.tally.core.query.Filter;
import io.tally.core.query.FilterValue;
import java.util.List;

/**
 * Turns {@link Filter}s into SQL conditions on a row of {@code events}, one operator at a time as the
 * table in docs/queries.md says. Every condition is TRUE or FALSE, never NULL, so that negating it
 * ({@code neq}, {@code not_in}, {@code not_contains}, {@code is_not_set}) lets a missing property pass.
 */
final class DuckDbFilters {
    private DuckDbFilters() {
    }

    /** "An event passes when it passes all of them": the conjunction, TRUE for none. */
    static void all(SqlWriter w, List<Filter> filters) {
        if (filters.isEmpty()) {
            w.sql("TRUE");
            return;
        }
        w.sql("(");
        for (int i = 0; i < filters.size(); i++) {
            if (i > 0) {
                w.sql(" AND ");
            }
            one(w, filters.get(i));
        }
        w.sql(")");
    }

    /** Events with the matcher's name that pass its own filters (the query's are applied elsewhere). */
    static void matcher(SqlWriter w, EventMatcher matcher) {
        w.sql("(event = ").value(matcher.event()).sql(" AND ");
        all(w, matcher.filters());
        w.sql(")");
    }

    static void one(SqlWriter w, Filter filter) {
        switch (filter.op()) {
            case EQ -> anyEqual(w, filter, List.of(filter.values().get(0)));
            case NEQ -> negated(w, () -> anyEqual(w, filter, List.of(filter.values().get(0))));
            case IN -> anyEqual(w, filter, filter.values());
            case NOT_IN -> negated(w, () -> anyEqual(w, filter, filter.values()));
            case CONTAINS -> contains(w, filter);
            case NOT_CONTAINS -> negated(w, () -> contains(w, filter));
            case GT -> compare(w, filter, ">");
            case GTE -> compare(w, filter, ">=");
            case LT -> compare(w, filter, "<");
            case LTE -> compare(w, filter, "<=");
            case IS_SET -> DuckDbProperties.present(w, filter.property());
            case IS_NOT_SET -> negated(w, () -> DuckDbProperties.present(w, filter.property()));
        }
    }

    private static void negated(SqlWriter w, Runnable condition) {
        w.sql("(NOT ");
        condition.run();
        w.sql(")");
    }

    /**
     * "the property is present and equal to value. A JSON number value compares numerically (9.5
     * equals 9.50); anything else compares as text". Numbers and texts of an {@code in} list are
     * compared each their own way.
     */
    private static void anyEqual(SqlWriter w, Filter filter, List<FilterValue> values) {
        List<String> texts = values.stream().filter(v -> !v.number()).map(FilterValue::text).toList();
        List<Double> numbers = values.stream().filter(FilterValue::number).map(FilterValue::asDouble).toList();
        w.sql("coalesce(");
        if (!texts.isEmpty()) {
            w.sql("list_contains(").list(texts).sql(", ");
            DuckDbProperties.text(w, filter.property());
            w.sql(")");
        }
        if (!texts.isEmpty() && !numbers.isEmpty()) {
            w.sql(" OR ");
        }
        if (!numbers.isEmpty()) {
            w.sql("list_contains(").list(numbers).sql(", ");
            DuckDbProperties.number(w, filter.property());
            w.sql(")");
        }
        w.sql(", FALSE)");
    }

    /** "the property's text contains value (case-sensitive)" */
    private static void contains(SqlWriter w, Filter filter) {
        w.sql("coalesce(contains(");
        DuckDbProperties.text(w, filter.property());
        w.sql(", ").value(filter.values().get(0).text()).sql("), FALSE)");
    }

    /** "the property's text is a number and compares so with value (a number); otherwise it fails" */
    private static void compare(SqlWriter w, Filter filter, String operator) {
        w.sql("coalesce(");
        DuckDbProperties.number(w, filter.property());
        w.sql(" " + operator + " ").value(filter.values().get(0).asDouble()).sql(", FALSE)");
    }
}
