package io.tally.schema.codegen;

import com.fasterxml.jackson.databind.JsonNode;
import io.tally.schema.codegen.JavaDeclaration.Component;
import io.tally.schema.codegen.JavaDeclaration.Constant;
import io.tally.schema.codegen.JavaDeclaration.EnumSpec;
import io.tally.schema.codegen.JavaDeclaration.RecordSpec;
import io.tally.schema.codegen.SchemaReader.Definition;
import io.tally.schema.codegen.SchemaReader.ReadSchema;
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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Maps the types of one schema document to Java, declaring the records and enums it needs. They all
 * become members of the one top-level record generated for the event, so their names only have to
 * be unique inside it ({@code OrderCompleted.Item}, {@code OrderCompleted.Currency}).
 */
final class JavaTypeMapper {
    private final ReadSchema schema;
    private final JavaType root;
    private final NameAllocator typeNames = new NameAllocator(JavaNames.TYPES, false);
    /** Declarations by name, in the order their names were given, so the file reads top-down. */
    private final Map<String, JavaDeclaration> declarations = new LinkedHashMap<>();
    private final Map<String, JavaType> namedTypes = new HashMap<>();
    private final Set<String> mapping = new HashSet<>();
    private int lambdas;

    /**
     * @param rootName the top-level record's name; a {@code $ref} to the document itself, or to the
     *     definition the document consists of ({@code rootPointer}), means that record
     * @param rootPointer the pointer of the definition the document is, or null
     */
    JavaTypeMapper(ReadSchema schema, String rootName, String rootPointer) {
        this.schema = schema;
        this.root = record(rootName);
        typeNames.claim(rootName);
        namedTypes.put(Named.ROOT, root);
        if (rootPointer != null) {
            namedTypes.put(rootPointer, root);
        }
    }

    /** The top-level record for an object: one component per property. */
    RecordSpec topLevel(ObjectOf object, String summary, String description) {
        return new RecordSpec(root.code(), components(object), summary, description, false);
    }

    /** The nested records and enums declared so far. */
    List<JavaDeclaration> declarations() {
        return List.copyOf(declarations.values());
    }

    private List<Component> components(ObjectOf object) {
        NameAllocator names = new NameAllocator(JavaNames.MEMBERS, false);
        List<Component> components = new ArrayList<>();
        for (Field field : object.fields()) {
            components.add(new Component(field.name(), names.allocate(Names.camel(field.name(), "property")),
                    map(field.type(), field.name()), field.required(), nullable(field.type()), field.description()));
        }
        return components;
    }

    /** The Java type of a schema type; {@code hint} names any record or enum declared for it. */
    JavaType map(SchemaType type, String hint) {
        if (type instanceof Primitive primitive) {
            return switch (primitive.kind()) {
                case STRING -> JavaType.plain("String");
                case INTEGER -> JavaType.primitive("long", "Long");
                case NUMBER -> JavaType.primitive("double", "Double");
                case BOOLEAN -> JavaType.primitive("boolean", "Boolean");
                case NULL -> JavaType.object("always null");
            };
        }
        if (type instanceof Literals literals) {
            return literals(literals, hint);
        }
        if (type instanceof ArrayOf array) {
            return list(map(array.items(), singular(hint)));
        }
        if (type instanceof ObjectOf object) {
            return object.fields().isEmpty() ? mapOf(object) : nestedRecord(object, hint);
        }
        if (type instanceof Union union) {
            return union(union, hint);
        }
        if (type instanceof Named named) {
            return named(named);
        }
        if (type instanceof Never) {
            return JavaType.object("no value is valid here");
        }
        String why = ((Unknown) type).why();
        return JavaType.object(why.isEmpty() ? "any JSON value" : why);
    }

    /** Whether null is a valid value of the type. */
    boolean nullable(SchemaType type) {
        if (type instanceof Primitive primitive) {
            return primitive.kind() == Kind.NULL;
        }
        if (type instanceof Literals literals) {
            return literals.values().stream().anyMatch(JsonNode::isNull);
        }
        if (type instanceof Union union) {
            return union.members().stream().anyMatch(this::nullable);
        }
        if (type instanceof Named named && !named.isRoot()) {
            // references only chain through unions and other references, which end (see SchemaReader)
            return nullable(schema.definition(named).type());
        }
        return type instanceof Unknown;
    }

    private JavaType literals(Literals literals, String hint) {
        List<JsonNode> values = literals.values().stream().filter(v -> !v.isNull()).toList();
        String choices = literals.values().stream().map(JsonNode::toString).distinct().collect(Collectors.joining(", "));
        if (values.isEmpty()) {
            return JavaType.object("always null");
        }
        if (values.stream().allMatch(JsonNode::isTextual)) {
            return enumType(values.stream().map(JsonNode::asText).toList(), hint);
        }
        if (values.stream().allMatch(v -> v.isIntegralNumber() && v.canConvertToLong())) {
            return JavaType.primitive("long", "Long").withNote("one of " + choices);
        }
        if (values.stream().allMatch(JsonNode::isNumber)) {
            return JavaType.primitive("double", "Double").withNote("one of " + choices);
        }
        if (values.stream().allMatch(JsonNode::isBoolean)) {
            return JavaType.primitive("boolean", "Boolean").withNote("one of " + choices);
        }
        return JavaType.object("one of " + choices);
    }

    private JavaType union(Union union, String hint) {
        List<SchemaType> members = union.members().stream()
                .filter(m -> !(m instanceof Never) && !isNullOnly(m)).toList();
        if (members.size() == 1) {
            return map(members.get(0), hint);
        }
        if (!members.isEmpty() && members.stream().allMatch(m -> isKind(m, Kind.NUMBER) || isKind(m, Kind.INTEGER))) {
            return JavaType.primitive("double", "Double");
        }
        if (!members.isEmpty() && members.stream().allMatch(m -> isKind(m, Kind.STRING))) {
            return JavaType.plain("String");
        }
        return JavaType.object(members.isEmpty() ? "always null" : "one of several types, see the schema");
    }

    private JavaType named(Named named) {
        JavaType known = namedTypes.get(named.pointer());
        if (known != null) {
            return known;
        }
        Definition definition = schema.definition(named);
        if (definition.type() instanceof ObjectOf object && !object.fields().isEmpty()) {
            // named before its fields are mapped, so a definition can contain itself
            String name = typeNames.allocate(Names.pascal(definition.key(), "Value"));
            JavaType type = record(name);
            namedTypes.put(named.pointer(), type);
            declarations.put(name, null); // its place in the file: before the types its components declare
            declarations.put(name, new RecordSpec(name, components(object), "The schema's definition "
                    + definition.key() + ".", definition.description(), false));
            return type;
        }
        if (!mapping.add(named.pointer())) {
            return JavaType.object("a definition that contains itself other than through an object");
        }
        try {
            JavaType type = map(definition.type(), definition.key());
            namedTypes.put(named.pointer(), type);
            return type;
        } finally {
            mapping.remove(named.pointer());
        }
    }

    private JavaType nestedRecord(ObjectOf object, String hint) {
        String name = typeNames.allocate(Names.pascal(hint, "Value"));
        declarations.put(name, null); // its place in the file: before the types its components declare
        declarations.put(name, new RecordSpec(name, components(object), "A nested object (" + hint + ").", null, false));
        return record(name);
    }

    private JavaType enumType(List<String> values, String hint) {
        String name = typeNames.allocate(Names.pascal(hint, "Value"));
        NameAllocator names = new NameAllocator(Set.of(), false);
        List<Constant> constants = new ArrayList<>();
        for (String value : new LinkedHashSet<>(values)) {
            constants.add(new Constant(names.allocate(Names.constant(value, "VALUE")), value));
        }
        declarations.put(name, new EnumSpec(name, constants, "The allowed values (" + hint + "), each sent as its string."));
        return new JavaType(name, name, x -> x + ".wireValue()", JavaType.Copy.NONE, null);
    }

    /** An object without declared properties: a map of whatever its other properties may be. */
    private JavaType mapOf(ObjectOf object) {
        JavaType values = map(object.additional(), "value");
        boolean plainValues = !values.converts() && !(object.additional() instanceof Never);
        String code = "Map<String, " + (plainValues ? values.boxed() : "Object") + ">";
        return new JavaType(code, code, null, JavaType.Copy.MAP, object.closed() ? "always empty" : values.note());
    }

    private JavaType list(JavaType element) {
        String code = "List<" + element.boxed() + ">";
        if (!element.converts()) {
            return new JavaType(code, code, null, JavaType.Copy.LIST, element.note());
        }
        String v = "v" + ++lambdas;
        return new JavaType(code, code, x -> x + ".stream().map(" + v + " -> " + v + " == null ? null : "
                + element.wire(v) + ").toList()", JavaType.Copy.LIST, element.note());
    }

    private static JavaType record(String name) {
        return new JavaType(name, name, x -> x + ".toProperties()", JavaType.Copy.NONE, null);
    }

    private static boolean isNullOnly(SchemaType type) {
        return type instanceof Primitive p && p.kind() == Kind.NULL
                || type instanceof Literals l && l.values().stream().allMatch(JsonNode::isNull);
    }

    /** A primitive of that kind, or literals that all are of it. */
    private static boolean isKind(SchemaType type, Kind kind) {
        if (type instanceof Primitive primitive) {
            return primitive.kind() == kind;
        }
        if (type instanceof Literals literals) {
            return literals.values().stream().filter(v -> !v.isNull()).allMatch(v -> switch (kind) {
                case STRING -> v.isTextual();
                case NUMBER, INTEGER -> v.isNumber();
                default -> false;
            });
        }
        return false;
    }

    /** {@code items} gives {@code item}: the name of one element of a list property. */
    static String singular(String name) {
        if (name.endsWith("ies") && name.length() > 3) {
            return name.substring(0, name.length() - 3) + "y";
        }
        if (name.endsWith("sses") || name.endsWith("xes") || name.endsWith("ches") || name.endsWith("shes")) {
            return name.substring(0, name.length() - 2);
        }
        if (name.endsWith("s") && !name.endsWith("ss") && !name.endsWith("us") && !name.endsWith("is") && name.length() > 1) {
            return name.substring(0, name.length() - 1);
        }
        return name + " item";
    }
}
