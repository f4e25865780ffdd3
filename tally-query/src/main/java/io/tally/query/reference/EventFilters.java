package io.tally.query.reference;

import io.tally.core.event.Event;
import io.tally.core.query.EventMatcher;
import io.tally.core.query.Filter;
import io.tally.core.query.FilterValue;
import java.util.List;
import java.util.Optional;

/** Whether events pass filters, one operator at a time as the table of docs/queries.md says. */
final class EventFilters {
    private EventFilters() {
    }

    /** "An event passes when it passes all of them." */
    static boolean passAll(Event event, List<Filter> filters) {
        for (Filter filter : filters) {
            if (!passes(event, filter)) {
                return false;
            }
        }
        return true;
    }

    /** Events with the matcher's name that pass its filters and the query's. */
    static boolean matches(Event event, EventMatcher matcher, List<Filter> queryFilters) {
        return event.event().equals(matcher.event()) && passAll(event, matcher.filters()) && passAll(event, queryFilters);
    }

    static boolean passes(Event event, Filter filter) {
        Optional<String> found = PropertyValues.text(event, filter.property());
        List<FilterValue> values = filter.values();
        // gt, gte, lt, lte: "the property's text is a number and compares so with value; otherwise it fails"
        Optional<Double> number = found.filter(Numbers::isNumber).map(Numbers::value);
        return switch (filter.op()) {
            case EQ -> found.isPresent() && equal(found.get(), values.get(0));
            case NEQ -> !(found.isPresent() && equal(found.get(), values.get(0)));
            case IN -> found.isPresent() && anyEqual(found.get(), values);
            case NOT_IN -> !(found.isPresent() && anyEqual(found.get(), values));
            case CONTAINS -> found.isPresent() && found.get().contains(values.get(0).text());
            case NOT_CONTAINS -> !(found.isPresent() && found.get().contains(values.get(0).text()));
            case GT -> number.filter(n -> n > values.get(0).asDouble()).isPresent();
            case GTE -> number.filter(n -> n >= values.get(0).asDouble()).isPresent();
            case LT -> number.filter(n -> n < values.get(0).asDouble()).isPresent();
            case LTE -> number.filter(n -> n <= values.get(0).asDouble()).isPresent();
            // "the key is present, even with value null": a JSON null has the text "null", so it is found
            case IS_SET -> found.isPresent();
            case IS_NOT_SET -> found.isEmpty();
        };
    }

    /** "A JSON number value compares numerically (9.5 equals 9.50); anything else compares as text." */
    private static boolean equal(String text, FilterValue value) {
        if (value.number()) {
            return Numbers.isNumber(text) && Numbers.value(text) == value.asDouble();
        }
        return text.equals(value.text());
    }

    private static boolean anyEqual(String text, List<FilterValue> values) {
        for (FilterValue value : values) {
            if (equal(text, value)) {
                return true;
            }
        }
        return false;
    }
}
