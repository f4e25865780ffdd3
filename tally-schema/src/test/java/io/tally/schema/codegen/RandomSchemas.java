package io.tally.schema.codegen;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Random;

/**
 * Random JSON Schema documents of the kind the registry takes (an object at the root, local
 * references only), mixing every keyword the generators meet with keys and names chosen to
 * trouble them: reserved words, quotes, comment ends, escapes, non-ASCII, duplicates after
 * sanitising. Seeded, so a failure can be replayed.
 */
final class RandomSchemas {
    static final List<String> AWKWARD = List.of("a", "class", "new", "a b", "A B", "a_b", "1x", "caf\u00e9", "*/", "/*",
            "\\u000a", "x\"y", "", " ", "__proto__", "constructor", "toString", "hashCode", "builder", "build", "out",
            "this", "Objects", "List", "Map", "String", "EVENT", "SCHEMA_VERSION", "Builder", "wireValue", "\u65e5\u672c",
            "key: string", "[key]", "$", "_", "-", "0", "\u2028", "end\\");
    private static final List<String> PRIMITIVES = List.of("string", "number", "integer", "boolean", "null");
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final Random random;
    private final int definitions;

    RandomSchemas(long seed) {
        this.random = new Random(seed);
        this.definitions = 3;
    }

    /** A document with a few {@code $defs} (each may refer only to later ones, so no reference cycles) and properties. */
    ObjectNode document() {
        ObjectNode root = NODES.objectNode().put("type", "object");
        if (random.nextBoolean()) {
            root.put("description", pick(AWKWARD) + " described");
        }
        ObjectNode defs = root.putObject("$defs");
        for (int i = 0; i < definitions; i++) {
            defs.set("d" + i + (i == 1 ? "/x y" : ""), schema(2, i + 1));
        }
        fillObject(root, 3, 0);
        return root;
    }

    private JsonNode schema(int depth, int firstDefinition) {
        int choice = random.nextInt(depth <= 0 ? 6 : 22);
        return switch (choice) {
            case 0 -> NODES.objectNode().put("type", pick(PRIMITIVES));
            case 1 -> NODES.objectNode().set("type", NODES.arrayNode().add(pick(PRIMITIVES.subList(0, 4))).add("null"));
            case 2 -> enumeration();
            case 3 -> NODES.objectNode().set("const", scalar());
            case 4 -> random.nextBoolean() ? NODES.booleanNode(true) : NODES.objectNode();
            case 5 -> NODES.objectNode().put("type", "string").put("pattern", "^[a-z]+$").put("maxLength", 5)
                    .put("description", pick(AWKWARD));
            case 6, 7 -> NODES.objectNode().put("type", "array").set("items", schema(depth - 1, firstDefinition));
            case 8, 9, 10 -> fillObject(NODES.objectNode().put("type", "object"), depth - 1, firstDefinition);
            case 11 -> branches("anyOf", depth, firstDefinition);
            case 12 -> branches("oneOf", depth, firstDefinition);
            case 13 -> branches("allOf", depth, firstDefinition);
            case 14 -> reference(firstDefinition);
            case 15 -> NODES.objectNode().put("$ref", "#");
            case 16 -> NODES.objectNode().set("not", NODES.objectNode().put("type", "string"));
            case 17 -> NODES.objectNode().put("type", "array").set("prefixItems", NODES.arrayNode().add(schema(0, firstDefinition)));
            case 18 -> fillObject(NODES.objectNode(), depth - 1, firstDefinition); // properties without "type"
            case 19 -> NODES.objectNode().put("type", "object").set("patternProperties",
                    NODES.objectNode().set("^x", NODES.objectNode().put("type", "integer")));
            case 20 -> NODES.objectNode().put("type", "object").set("additionalProperties", schema(depth - 1, firstDefinition));
            default -> NODES.booleanNode(false);
        };
    }

    private ObjectNode fillObject(ObjectNode object, int depth, int firstDefinition) {
        ObjectNode properties = object.putObject("properties");
        ArrayNode required = NODES.arrayNode();
        int count = random.nextInt(5);
        for (int i = 0; i < count; i++) {
            String key = pick(AWKWARD) + (random.nextInt(4) == 0 ? "" : " " + i);
            properties.set(key, schema(depth, firstDefinition));
            if (random.nextBoolean()) {
                required.add(key);
            }
        }
        if (random.nextInt(6) == 0) {
            required.add("undeclared");
        }
        if (!required.isEmpty()) {
            object.set("required", required);
        }
        switch (random.nextInt(4)) {
            case 0 -> object.put("additionalProperties", false);
            case 1 -> object.put("additionalProperties", true);
            default -> { }
        }
        return object;
    }

    private JsonNode reference(int firstDefinition) {
        if (firstDefinition >= definitions) {
            return NODES.objectNode().put("type", "string");
        }
        int target = firstDefinition + random.nextInt(definitions - firstDefinition);
        // JSON pointer escaping for "/" and URI escaping for the space, as a schema author would write it
        String name = "d" + target + (target == 1 ? "~1x%20y" : "");
        return NODES.objectNode().put("$ref", "#/$defs/" + name).put("description", "see " + name);
    }

    private JsonNode branches(String keyword, int depth, int firstDefinition) {
        ArrayNode list = NODES.arrayNode();
        for (int i = 0, n = 1 + random.nextInt(3); i < n; i++) {
            list.add(random.nextInt(4) == 0 ? NODES.objectNode().set("required", NODES.arrayNode().add("a"))
                    : schema(depth - 1, firstDefinition));
        }
        return NODES.objectNode().set(keyword, list);
    }

    private JsonNode enumeration() {
        ArrayNode values = NODES.arrayNode();
        for (int i = 0, n = 1 + random.nextInt(4); i < n; i++) {
            values.add(scalar());
        }
        return NODES.objectNode().set("enum", values);
    }

    private JsonNode scalar() {
        return switch (random.nextInt(5)) {
            case 0, 1 -> NODES.textNode(pick(AWKWARD));
            case 2 -> NODES.numberNode(random.nextInt(100) - 50);
            case 3 -> NODES.numberNode(random.nextInt(1000) / 8.0);
            default -> random.nextBoolean() ? NODES.booleanNode(random.nextBoolean()) : NODES.nullNode();
        };
    }

    private String pick(List<String> list) {
        return list.get(random.nextInt(list.size()));
    }
}
