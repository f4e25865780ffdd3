package io.tally.core.query;

import static java.util.Objects.requireNonNull;

/**
 * A JSON scalar a filter compares with: its text form (a string without quotes, a number as written,
 * {@code true}, {@code false}) and whether it was a JSON number, which makes {@code eq} numeric.
 */
public record FilterValue(String text, boolean number) {
    public FilterValue {
        requireNonNull(text, "text is null");
        if (number) {
            try {
                Double.parseDouble(text);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not a number: " + text);
            }
        }
    }

    public static FilterValue text(String text) {
        return new FilterValue(text, false);
    }

    public static FilterValue number(String text) {
        return new FilterValue(text, true);
    }

    public double asDouble() {
        return Double.parseDouble(text);
    }
}
