package io.tally.query.reference;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads one value out of the JSON object text of an event's properties or context, in the text form
 * docs/queries.md compares: "a JSON string without quotes, a number as written, true, false, null;
 * a nested object or array is its compact JSON text".
 *
 * <p>The streaming parser is used rather than a tree because a tree turns {@code 9.50} into
 * {@code 9.5}, and the page asks for numbers as written.
 */
final class JsonText {
    private static final JsonFactory FACTORY = new JsonFactory();

    private JsonText() {
    }

    /**
     * The text of the value at {@code path} (keys of nested objects, outermost first), or empty when a
     * key is absent or a value on the way is not an object.
     */
    static Optional<String> valueAt(String json, List<String> path) {
        requireNonNull(json, "json is null");
        if (path.isEmpty()) {
            throw new IllegalArgumentException("path is empty");
        }
        try (JsonParser parser = FACTORY.createParser(json)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return Optional.empty();
            }
            return find(parser, path, 0);
        } catch (IOException e) {
            throw new UncheckedIOException("stored JSON is not valid: " + json, e);
        }
    }

    /**
     * Every top-level key of the object with its value's text, in the object's order; when a key repeats,
     * the first one stands, as in {@link #valueAt}. Not an object: no keys.
     */
    static Map<String, String> topLevel(String json) {
        requireNonNull(json, "json is null");
        Map<String, String> values = new LinkedHashMap<>();
        try (JsonParser parser = FACTORY.createParser(json)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return values;
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                parser.nextToken();
                String text = text(parser);
                values.putIfAbsent(name, text);
            }
            return values;
        } catch (IOException e) {
            throw new UncheckedIOException("stored JSON is not valid: " + json, e);
        }
    }

    /** Looks for {@code path[depth]} in the object whose START_OBJECT the parser has just read. */
    private static Optional<String> find(JsonParser parser, List<String> path, int depth) throws IOException {
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            JsonToken value = parser.nextToken();
            if (name.equals(path.get(depth))) {
                if (depth == path.size() - 1) {
                    return Optional.of(text(parser));
                }
                // "context.PATH: a context field by dotted path" walks nested objects only
                return value == JsonToken.START_OBJECT ? find(parser, path, depth + 1) : Optional.empty();
            }
            parser.skipChildren();
        }
        return Optional.empty();
    }

    /** The text form of the value the parser stands on. */
    private static String text(JsonParser parser) throws IOException {
        JsonToken token = parser.currentToken();
        return switch (token) {
            // for numbers the parser's text is the token exactly as written
            case VALUE_STRING, VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> parser.getText();
            case VALUE_TRUE -> "true";
            case VALUE_FALSE -> "false";
            case VALUE_NULL -> "null";
            case START_OBJECT, START_ARRAY -> compact(parser);
            default -> throw new IllegalStateException("unexpected JSON token " + token);
        };
    }

    /** Writes the structure the parser stands on without white space, numbers kept as written. */
    private static String compact(JsonParser parser) throws IOException {
        StringWriter out = new StringWriter();
        try (JsonGenerator generator = FACTORY.createGenerator(out)) {
            int depth = 0;
            do {
                JsonToken token = parser.currentToken();
                switch (token) {
                    case START_OBJECT -> {
                        generator.writeStartObject();
                        depth++;
                    }
                    case START_ARRAY -> {
                        generator.writeStartArray();
                        depth++;
                    }
                    case END_OBJECT -> {
                        generator.writeEndObject();
                        depth--;
                    }
                    case END_ARRAY -> {
                        generator.writeEndArray();
                        depth--;
                    }
                    case FIELD_NAME -> generator.writeFieldName(parser.currentName());
                    case VALUE_STRING -> generator.writeString(parser.getText());
                    case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> generator.writeNumber(parser.getText());
                    case VALUE_TRUE -> generator.writeBoolean(true);
                    case VALUE_FALSE -> generator.writeBoolean(false);
                    case VALUE_NULL -> generator.writeNull();
                    default -> throw new IllegalStateException("unexpected JSON token " + token);
                }
                if (depth > 0) {
                    parser.nextToken();
                }
            } while (depth > 0);
        }
        return out.toString();
    }
}
