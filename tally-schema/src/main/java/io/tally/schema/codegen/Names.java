package io.tally.schema.codegen;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Turns event and property names, which may hold any characters, into identifiers that read well in
 * TypeScript and Java: {@code "Order Completed"} becomes {@code OrderCompleted} (types),
 * {@code orderCompleted} (members) or {@code ORDER_COMPLETED} (constants).
 *
 * <p>Only ASCII letters and digits survive, accents are stripped first ({@code "Café"} gives
 * {@code Cafe}), so the result is a valid identifier in both languages and in any file system;
 * a name that starts with a digit gets a leading underscore. Uniqueness and reserved words are the
 * job of {@link NameAllocator}.
 */
final class Names {
    private Names() {
    }

    /** {@code PascalCase}, or {@code fallback} when the text has no letter or digit. */
    static String pascal(String text, String fallback) {
        List<String> words = words(text);
        if (words.isEmpty()) {
            return fallback;
        }
        StringBuilder out = new StringBuilder();
        words.forEach(word -> out.append(capitalized(word)));
        return identifier(out.toString());
    }

    /** {@code camelCase}, or {@code fallback} when the text has no letter or digit. */
    static String camel(String text, String fallback) {
        List<String> words = words(text);
        if (words.isEmpty()) {
            return fallback;
        }
        StringBuilder out = new StringBuilder(words.get(0).toLowerCase(Locale.ROOT));
        words.subList(1, words.size()).forEach(word -> out.append(capitalized(word)));
        return identifier(out.toString());
    }

    /** {@code UPPER_SNAKE_CASE}, or {@code fallback} when the text has no letter or digit. */
    static String constant(String text, String fallback) {
        List<String> words = words(text);
        if (words.isEmpty()) {
            return fallback;
        }
        return identifier(String.join("_", words).toUpperCase(Locale.ROOT));
    }

    /**
     * The words of a name: runs of ASCII letters and digits, also split where the case changes the
     * way camelCase and acronyms do ({@code "userID"} gives user, ID; {@code "HTTPServer"} gives
     * HTTP, Server).
     */
    static List<String> words(String text) {
        String plain = Normalizer.normalize(text, Normalizer.Form.NFD).replaceAll("\\p{M}", "");
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        for (int i = 0; i < plain.length(); i++) {
            char c = plain.charAt(i);
            if (!isAsciiLetterOrDigit(c)) {
                flush(word, words);
                continue;
            }
            if (word.length() > 0 && startsWord(plain, i)) {
                flush(word, words);
            }
            word.append(c);
        }
        flush(word, words);
        return words;
    }

    /** An upper-case letter after a lower-case one, or the last capital of an acronym before a lower-case letter. */
    private static boolean startsWord(String text, int i) {
        char c = text.charAt(i);
        if (!isUpper(c)) {
            return false;
        }
        char before = text.charAt(i - 1);
        boolean nextIsLower = i + 1 < text.length() && isLower(text.charAt(i + 1));
        return isLower(before) || (isUpper(before) && nextIsLower);
    }

    private static void flush(StringBuilder word, List<String> words) {
        if (word.length() > 0) {
            words.add(word.toString());
            word.setLength(0);
        }
    }

    private static String capitalized(String word) {
        return Character.toUpperCase(word.charAt(0)) + word.substring(1).toLowerCase(Locale.ROOT);
    }

    private static String identifier(String name) {
        return Character.isDigit(name.charAt(0)) ? "_" + name : name;
    }

    private static boolean isAsciiLetterOrDigit(char c) {
        return isUpper(c) || isLower(c) || (c >= '0' && c <= '9');
    }

    private static boolean isUpper(char c) {
        return c >= 'A' && c <= 'Z';
    }

    private static boolean isLower(char c) {
        return c >= 'a' && c <= 'z';
    }
}
