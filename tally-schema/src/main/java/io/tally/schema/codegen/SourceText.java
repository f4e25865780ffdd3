package io.tally.schema.codegen;

import java.util.ArrayList;
import java.util.List;

/**
 * Puts text from schemas (event names, keys, descriptions) into generated source safely. Such text
 * may hold quotes, comment ends, line breaks and any Unicode; none of it may end a literal or a
 * comment early. Generated Java is pure ASCII, because javac turns {@code \u000a} into a line break
 * even inside comments and literals.
 */
final class SourceText {
    private SourceText() {
    }

    /** A Java string literal, quotes included, in ASCII only. */
    static String javaString(String text) {
        StringBuilder out = new StringBuilder("\"");
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        // an octal escape: a unicode escape of a line break would break the literal
                        out.append(String.format("\\%03o", (int) c));
                    } else if (c > 0x7f) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }

    /** A TypeScript string literal (also a string literal type), quotes included, in ASCII only. */
    static String tsString(String text) {
        StringBuilder out = new StringBuilder("\"");
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> out.append(c < 0x20 || c > 0x7e ? String.format("\\u%04x", (int) c) : String.valueOf(c));
            }
        }
        return out.append('"').toString();
    }

    /** Lines for a Javadoc comment: HTML-escaped, ASCII only, nothing that ends the comment. */
    static List<String> javadoc(String text) {
        List<String> out = new ArrayList<>();
        for (String line : lines(text)) {
            StringBuilder escaped = new StringBuilder();
            for (int i = 0; i < line.length(); i++) {
                char c = line.charAt(i);
                switch (c) {
                    case '<' -> escaped.append("&lt;");
                    case '>' -> escaped.append("&gt;");
                    case '&' -> escaped.append("&amp;");
                    case '@' -> escaped.append("&#64;");
                    case '\\' -> escaped.append("&#92;");
                    case '/' -> escaped.append(i > 0 && line.charAt(i - 1) == '*' ? "&#47;" : "/");
                    default -> escaped.append(c < 0x20 || c > 0x7e ? "&#" + (int) c + ";" : String.valueOf(c));
                }
            }
            out.add(escaped.toString());
        }
        return out;
    }

    /** One line for a Java {@code //} comment. */
    static String javaLineComment(String text) {
        return String.join(" ", javadoc(text));
    }

    /** Lines for a JSDoc comment: nothing that ends the comment early. */
    static List<String> jsdoc(String text) {
        return lines(text).stream().map(line -> line.replace("*/", "*\\/")).toList();
    }

    /** An inline TypeScript comment, {@code /* ... *&#47;}, on one line. */
    static String tsInlineComment(String text) {
        return "/* " + String.join(" ", jsdoc(text)) + " */";
    }

    /** The text's lines, each without control characters, trailing blanks trimmed. */
    private static List<String> lines(String text) {
        List<String> out = new ArrayList<>();
        for (String line : text.split("\r\n|[\r\n\u0085\u2028\u2029]", -1)) {
            out.add(line.replaceAll("\\p{Cntrl}", " ").stripTrailing());
        }
        return out;
    }
}
