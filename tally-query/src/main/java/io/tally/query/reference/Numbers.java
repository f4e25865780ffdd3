package io.tally.query.reference;

import java.util.regex.Pattern;

/**
 * When a value's text "is a number" (docs/queries.md, numeric filters and numeric math): when it is
 * written as a JSON number. The same text inside a JSON string counts too, because the page compares
 * values by their text form; {@code " 12"}, {@code "1_000"}, {@code "NaN"} or {@code "0x10"} do not.
 */
final class Numbers {
    private static final Pattern JSON_NUMBER = Pattern.compile("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?");

    private Numbers() {
    }

    static boolean isNumber(String text) {
        return JSON_NUMBER.matcher(text).matches();
    }

    static double value(String text) {
        if (!isNumber(text)) {
            throw new IllegalArgumentException("not a number: " + text);
        }
        return Double.parseDouble(text);
    }
}
