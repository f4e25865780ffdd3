package io.tally.schema.codegen;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import io.tally.schema.codegen.SchemaType.ArrayOf;
import io.tally.schema.codegen.SchemaType.Field;
import io.tally.schema.codegen.SchemaType.Kind;
import io.tally.schema.codegen.SchemaType.Literals;
import io.tally.schema.codegen.SchemaType.Named;
import io.tally.schema.codegen.SchemaType.Never;
import io.tally.schema.codegen.SchemaType.ObjectOf;
import io.tally.schema.codegen.SchemaType.Primitive;
import io.tally.schema.codegen.SchemaType.Union;
import io.tally.schema.codegen.SchemaType.Unknown;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads one JSON Schema document (as the registry accepts it: 2020-12, local references only) into
 * the {@link SchemaType} model. It never fails: whatever it cannot express becomes {@link Unknown}.
 *
 * <p>Dropping a keyword is safe because JSON Schema keywords combine by conjunction: the type read
 * from {@code type}/{@code properties} alone, or from {@code $ref} alone, accepts at least every value
 * the whole schema accepts. So {@code $ref} wins over its siblings unless the node declares a
 * {@code type} and {@code properties} of its own, and {@code anyOf}/{@code oneOf} are only read
 * when nothing else says what the type is. Nothing is inferred from {@code properties} or
 * {@code items} without {@code type}: they constrain objects and arrays only, so such a schema
 * accepts strings and numbers too.
 */
final class SchemaReader {
    /** Deeper than any real event; keeps a pathological schema from exhausting the stack. */
    private static final int MAX_DEPTH = 64;
    private static final Set<String> DEFINITION_CONTAINERS = Set.of("$defs", "definitions");
    private static final List<String> SHAPE_KEYWORDS = List.of("properties", "additionalProperties", "patternProperties",
            "required", "items", "prefixItems");
    private static final List<String> UNEXPRESSED = List.of("allOf", "not", "if", "$dynamicRef");

    private final JsonNode document;
    private final Map<String, Definition> definitions = new LinkedHashMap<>();
    private final Deque<String> pending = new ArrayDeque<>();
    private final Set<String> inlining = new HashSet<>();

    private SchemaReader(JsonNode document) {
        this.document = document;
    }

    /** Reads a schema document together with every {@code $defs} entry it references. */
    static ReadSchema read(JsonNode document) {
        return new SchemaReader(document).readDocument();
    }

    /**
     * A schema document as the generators see it.
     *
     * @param root the type of the document itself (the event's properties)
     * @param description the document's {@code description} (or {@code title}), or null
     * @param definitions the referenced {@code $defs} entries by pointer, in the order first met
     */
    record ReadSchema(SchemaType root, String description, Map<String, Definition> definitions) {
        ReadSchema {
            definitions = Collections.unmodifiableMap(new LinkedHashMap<>(definitions));
        }

        /** The definition a {@link Named} (other than the root) points at. */
        Definition definition(Named named) {
            Definition definition = definitions.get(named.pointer());
            if (definition == null) {
                throw new IllegalStateException("no definition was read for " + named.pointer());
            }
            return definition;
        }
    }

    /**
     * One entry of {@code $defs}.
     *
     * @param key its name under {@code $defs}, the base of its generated name
     */
    record Definition(String pointer, String key, SchemaType type, String description) {
    }

    private ReadSchema readDocument() {
        SchemaType root = read(document, 0);
        while (!pending.isEmpty()) {
            String pointer = pending.removeFirst();
            Definition placeholder = definitions.get(pointer);
            JsonNode node = document.at(JsonPointer.compile(pointer.substring(1)));
            definitions.put(pointer, new Definition(pointer, placeholder.key(), read(node, 0), describe(node)));
        }
        return breakCircularAliases(root);
    }

    private SchemaType read(JsonNode node, int depth) {
        if (depth > MAX_DEPTH) {
            return new Unknown("nested more than " + MAX_DEPTH + " levels deep");
        }
        if (node == null || node.isMissingNode()) {
            return Unknown.ANY;
        }
        if (node.isBoolean()) {
            return node.asBoolean() ? Unknown.ANY : new Never();
        }
        if (!node.isObject()) {
            return new Unknown("not a schema");
        }
        JsonNode ref = node.get("$ref");
        if (ref != null && ref.isTextual() && !(node.has("properties") && node.has("type"))) {
            return reference(ref.asText(), depth);
        }
        if (node.has("const")) {
            return literals(List.of(node.get("const")));
        }
        JsonNode values = node.get("enum");
        if (values != null && values.isArray()) {
            List<JsonNode> list = new ArrayList<>();
            values.forEach(list::add);
            return literals(list);
        }
        JsonNode type = node.get("type");
        if (type != null && type.isTextual()) {
            return ofType(type.asText(), node, depth);
        }
        if (type != null && type.isArray() && !type.isEmpty()) {
            List<SchemaType> members = new ArrayList<>();
            type.forEach(t -> members.add(ofType(t.asText(), node, depth)));
            return members.size() == 1 ? members.get(0) : new Union(members);
        }
        for (String keyword : List.of("anyOf", "oneOf")) {
            if (node.path(keyword).isArray()) {
                return branches(keyword, node.get(keyword), depth);
            }
        }
        JsonNode allOf = node.get("allOf");
        if (allOf != null && allOf.isArray() && allOf.size() == 1) {
            return read(allOf.get(0), depth + 1);
        }
        for (String keyword : UNEXPRESSED) {
            if (node.has(keyword)) {
                return new Unknown(keyword + " is not expressed in generated types");
            }
        }
        if (SHAPE_KEYWORDS.stream().anyMatch(node::has)) {
            // "properties" or "items" constrain objects and arrays only; without "type" any other value is valid
            return new Unknown("no \"type\" is given, so values of any type are valid");
        }
        return Unknown.ANY;
    }

    private SchemaType ofType(String type, JsonNode node, int depth) {
        return switch (type) {
            case "string" -> new Primitive(Kind.STRING);
            case "number" -> new Primitive(Kind.NUMBER);
            case "integer" -> new Primitive(Kind.INTEGER);
            case "boolean" -> new Primitive(Kind.BOOLEAN);
            case "null" -> new Primitive(Kind.NULL);
            case "array" -> new ArrayOf(node.has("prefixItems")
                    ? new Unknown("prefixItems (tuples) are not expressed in generated types")
                    : read(node.get("items"), depth + 1));
            case "object" -> object(node, depth);
            default -> new Unknown("type '" + type + "' is not a JSON Schema type");
        };
    }

    private ObjectOf object(JsonNode node, int depth) {
        Set<String> required = new LinkedHashSet<>();
        node.path("required").forEach(name -> required.add(name.asText()));
        List<Field> fields = new ArrayList<>();
        JsonNode properties = node.path("properties");
        properties.fieldNames().forEachRemaining(name -> {
            JsonNode property = properties.get(name);
            fields.add(new Field(name, read(property, depth + 1), required.contains(name), describe(property)));
        });
        for (String name : required) {
            if (!properties.has(name)) {
                // required but not described: it must be there, with any value
                fields.add(new Field(name, Unknown.ANY, true, null));
            }
        }
        JsonNode additional = node.get("additionalProperties");
        // keys matching patternProperties are checked by those instead, so the object is not closed
        boolean patterns = node.path("patternProperties").size() > 0;
        SchemaType rest = additional == null || patterns ? Unknown.ANY : read(additional, depth + 1);
        return new ObjectOf(fields, rest);
    }

    private SchemaType branches(String keyword, JsonNode branches, int depth) {
        List<SchemaType> members = new ArrayList<>();
        for (JsonNode branch : branches) {
            SchemaType member = read(branch, depth + 1);
            if (member instanceof Unknown) {
                // a branch that only adds constraints to its parent says nothing about the type alone
                return new Unknown(keyword + " is not expressed in generated types");
            }
            members.add(member);
        }
        return members.isEmpty() ? new Never() : new Union(members);
    }

    private static SchemaType literals(List<JsonNode> values) {
        if (values.isEmpty()) {
            return new Never();
        }
        if (!values.stream().allMatch(JsonNode::isValueNode)) {
            return new Unknown("enum or const with objects or arrays is not expressed in generated types");
        }
        return new Literals(values);
    }

    private SchemaType reference(String ref, int depth) {
        if (!ref.startsWith("#")) {
            return new Unknown("$ref " + ref + " is not local");
        }
        String fragment = decodeFragment(ref.substring(1));
        if (fragment.isEmpty()) {
            return new Named(Named.ROOT);
        }
        JsonPointer pointer;
        try {
            pointer = JsonPointer.compile(fragment);
        } catch (IllegalArgumentException e) {
            return new Unknown("$ref " + ref + " is an anchor, which is not expressed in generated types");
        }
        JsonNode target = document.at(pointer);
        if (target.isMissingNode()) {
            return new Unknown("$ref " + ref + " points at nothing");
        }
        String canonical = "#" + pointer;
        if (isDefinition(pointer)) {
            if (!definitions.containsKey(canonical)) {
                definitions.put(canonical, new Definition(canonical, pointer.tail().getMatchingProperty(), Unknown.ANY, null));
                pending.add(canonical);
            }
            return new Named(canonical);
        }
        // any other pointer (e.g. #/properties/a) is read in place; following it into itself would not end
        if (!inlining.add(canonical)) {
            return new Unknown("recursive $ref " + ref + " is not expressed in generated types");
        }
        try {
            return read(target, depth + 1);
        } finally {
            inlining.remove(canonical);
        }
    }

    /** {@code /$defs/NAME} (or {@code /definitions/NAME}): a schema meant to be named. */
    private static boolean isDefinition(JsonPointer pointer) {
        JsonPointer name = pointer.tail();
        return DEFINITION_CONTAINERS.contains(pointer.getMatchingProperty())
                && name != null && !name.matches() && name.tail() != null && name.tail().matches();
    }

    /** A URI fragment may percent-encode characters of a key; one that is not a valid URI part is taken as written. */
    private static String decodeFragment(String fragment) {
        try {
            String decoded = new URI("#" + fragment).getFragment();
            return decoded == null ? "" : decoded;
        } catch (URISyntaxException e) {
            return fragment;
        }
    }

    private static String describe(JsonNode node) {
        for (String keyword : List.of("description", "title")) {
            JsonNode text = node.get(keyword);
            if (text != null && text.isTextual() && !text.asText().isBlank()) {
                return text.asText();
            }
        }
        return null;
    }

    /**
     * A definition that is, through unions and references only, itself (e.g. {@code A = A | string})
     * has no finite type in either language; it becomes {@link Unknown}. Recursion through an array
     * or object is fine and kept.
     */
    private ReadSchema breakCircularAliases(SchemaType root) {
        Map<String, SchemaType> types = new LinkedHashMap<>();
        types.put(Named.ROOT, root);
        definitions.forEach((pointer, definition) -> types.put(pointer, definition.type()));
        Set<String> circular = new HashSet<>();
        for (String pointer : types.keySet()) {
            if (reachesItself(pointer, types)) {
                circular.add(pointer);
            }
        }
        Unknown broken = new Unknown("a $ref that only refers to itself is not expressed in generated types");
        Map<String, Definition> out = new LinkedHashMap<>();
        definitions.forEach((pointer, d) -> out.put(pointer, circular.contains(pointer)
                ? new Definition(pointer, d.key(), broken, d.description()) : d));
        return new ReadSchema(circular.contains(Named.ROOT) ? broken : root, describe(document), out);
    }

    private static boolean reachesItself(String start, Map<String, SchemaType> types) {
        Deque<String> todo = new ArrayDeque<>(unguarded(types.get(start)));
        Set<String> seen = new HashSet<>();
        while (!todo.isEmpty()) {
            String next = todo.removeFirst();
            if (next.equals(start)) {
                return true;
            }
            if (seen.add(next) && types.containsKey(next)) {
                todo.addAll(unguarded(types.get(next)));
            }
        }
        return false;
    }

    /** The references a type is directly made of, not nested inside an array or object. */
    private static Set<String> unguarded(SchemaType type) {
        Set<String> out = new LinkedHashSet<>();
        if (type instanceof Named named) {
            out.add(named.pointer());
        } else if (type instanceof Union union) {
            union.members().forEach(member -> out.addAll(unguarded(member)));
        }
        return out;
    }
}
