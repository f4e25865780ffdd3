package io.tally.schema;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Decides whether a new schema still accepts every event an earlier one accepted, as REVISION and
 * ADDITION steps must. It compares the two schemas keyword by keyword and answers conservatively: a
 * change it cannot prove harmless (to {@code $ref}, {@code anyOf} and the like) counts as breaking, so
 * such changes need a MODEL step.
 */
final class Compatibility {
    /** Keywords whose changes are not analysed: any difference is reported. */
    private static final List<String> OPAQUE = List.of("$ref", "$defs", "definitions", "allOf", "anyOf", "oneOf", "not",
            "if", "then", "else", "const", "dependentRequired", "dependentSchemas", "patternProperties", "propertyNames",
            "unevaluatedProperties", "unevaluatedItems", "contains", "prefixItems", "multipleOf", "uniqueItems");
    private static final List<String> LOWER_BOUNDS = List.of("minimum", "exclusiveMinimum", "minLength", "minItems", "minProperties");
    private static final List<String> UPPER_BOUNDS = List.of("maximum", "exclusiveMaximum", "maxLength", "maxItems", "maxProperties");
    private static final Set<String> ALL_TYPES = Set.of("null", "boolean", "object", "array", "number", "string", "integer");

    private Compatibility() {
    }

    /** Every change from {@code before} to {@code after} that could make an earlier valid event invalid. */
    static List<String> breakingChanges(JsonNode before, JsonNode after) {
        List<String> out = new ArrayList<>();
        compare("", before, after, out);
        return out;
    }

    private static void compare(String path, JsonNode before, JsonNode after, List<String> out) {
        String where = path.isEmpty() ? "the schema" : "'" + path + "'";
        if (before.isBoolean() || after.isBoolean()) {
            if (!before.equals(after) && !(after.isBoolean() && after.asBoolean())) {
                out.add(where + " changed from " + before + " to " + after);
            }
            return;
        }
        for (String keyword : OPAQUE) {
            if (!Objects.equals(before.get(keyword), after.get(keyword))) {
                out.add(where + ": '" + keyword + "' changed, and Tally cannot prove that keeps earlier events valid");
            }
        }
        compareTypes(where, before, after, out);
        compareEnums(where, before, after, out);
        compareBounds(where, before, after, out);
        for (String keyword : List.of("pattern", "format")) {
            if (after.has(keyword) && !Objects.equals(before.get(keyword), after.get(keyword))) {
                out.add(where + ": '" + keyword + "' " + (before.has(keyword) ? "changed to " : "added: ") + after.get(keyword));
            }
        }
        for (String name : names(after.get("required"))) {
            if (!names(before.get("required")).contains(name)) {
                out.add(where + ": '" + name + "' becomes required");
            }
        }
        compareProperties(path, where, before, after, out);
        compareSubschema(path + "[]", where, "items", before.get("items"), after.get("items"), out);
    }

    private static void compareTypes(String where, JsonNode before, JsonNode after, List<String> out) {
        Set<String> was = types(before);
        Set<String> now = types(after);
        Set<String> lost = new LinkedHashSet<>();
        for (String type : was) {
            boolean covered = now.contains(type) || ("integer".equals(type) && now.contains("number"));
            if (!covered) {
                lost.add(type);
            }
        }
        if (!lost.isEmpty()) {
            out.add(where + ": type narrowed from " + was + " to " + now + " (no longer " + lost + ")");
        }
    }

    private static void compareEnums(String where, JsonNode before, JsonNode after, List<String> out) {
        JsonNode now = after.get("enum");
        if (now == null) {
            return;
        }
        JsonNode was = before.get("enum");
        if (was == null) {
            out.add(where + ": restricted to the values " + now);
            return;
        }
        List<JsonNode> removed = new ArrayList<>();
        was.forEach(value -> {
            boolean kept = false;
            for (JsonNode v : now) {
                kept |= v.equals(value);
            }
            if (!kept) {
                removed.add(value);
            }
        });
        if (!removed.isEmpty()) {
            out.add(where + ": no longer allows the values " + removed);
        }
    }

    private static void compareBounds(String where, JsonNode before, JsonNode after, List<String> out) {
        for (String keyword : LOWER_BOUNDS) {
            JsonNode now = after.get(keyword);
            JsonNode was = before.get(keyword);
            if (now != null && (was == null || now.decimalValue().compareTo(was.decimalValue()) > 0)) {
                out.add(where + ": '" + keyword + "' raised to " + now + (was == null ? "" : " from " + was));
            }
        }
        for (String keyword : UPPER_BOUNDS) {
            JsonNode now = after.get(keyword);
            JsonNode was = before.get(keyword);
            if (now != null && (was == null || now.decimalValue().compareTo(was.decimalValue()) < 0)) {
                out.add(where + ": '" + keyword + "' lowered to " + now + (was == null ? "" : " from " + was));
            }
        }
    }

    private static void compareProperties(String path, String where, JsonNode before, JsonNode after, List<String> out) {
        JsonNode was = before.path("properties");
        JsonNode now = after.path("properties");
        was.fieldNames().forEachRemaining(name -> {
            String child = path.isEmpty() ? name : path + "." + name;
            if (!now.has(name)) {
                out.add("'" + child + "' is removed");
            } else {
                compare(child, was.get(name), now.get(name), out);
            }
        });
        compareSubschema(path.isEmpty() ? "*" : path + ".*", where, "additionalProperties",
                before.get("additionalProperties"), after.get("additionalProperties"), out);
    }

    /** A missing subschema allows anything; a new or stricter one narrows. */
    private static void compareSubschema(String childPath, String where, String keyword, JsonNode before, JsonNode after,
            List<String> out) {
        boolean wasOpen = before == null || (before.isBoolean() && before.asBoolean());
        boolean nowOpen = after == null || (after.isBoolean() && after.asBoolean());
        if (nowOpen) {
            return;
        }
        if (wasOpen) {
            out.add(where + ": '" + keyword + "' now constrains what was free (" + after + ")");
            return;
        }
        compare(childPath, before, after, out);
    }

    private static Set<String> types(JsonNode schema) {
        JsonNode type = schema.get("type");
        if (type == null) {
            return ALL_TYPES;
        }
        return names(type);
    }

    private static Set<String> names(JsonNode node) {
        Set<String> names = new LinkedHashSet<>();
        if (node == null) {
            return names;
        }
        if (node.isTextual()) {
            names.add(node.asText());
        }
        node.forEach(n -> names.add(n.asText()));
        return names;
    }
}
