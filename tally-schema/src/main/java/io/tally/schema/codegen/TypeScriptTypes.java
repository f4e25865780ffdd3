package io.tally.schema.codegen;

import com.fasterxml.jackson.databind.JsonNode;
import io.tally.schema.codegen.SchemaType.ArrayOf;
import io.tally.schema.codegen.SchemaType.Field;
import io.tally.schema.codegen.SchemaType.Literals;
import io.tally.schema.codegen.SchemaType.Named;
import io.tally.schema.codegen.SchemaType.Never;
import io.tally.schema.codegen.SchemaType.ObjectOf;
import io.tally.schema.codegen.SchemaType.Primitive;
import io.tally.schema.codegen.SchemaType.Union;
import io.tally.schema.codegen.SchemaType.Unknown;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Writes {@link SchemaType}s as TypeScript types. Nested objects become inline object types, named
 * schemas ({@code $ref}) the names the caller gives them.
 */
final class TypeScriptTypes {
    static final String INDENT = "  ";
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_$][A-Za-z0-9_$]*");

    private final Function<Named, String> names;

    /** @param names the TypeScript name of each named schema */
    TypeScriptTypes(Function<Named, String> names) {
        this.names = names;
    }

    /** The type, as an expression; an inline object type spans lines, indented from {@code indent}. */
    String type(SchemaType type, String indent) {
        if (type instanceof Primitive primitive) {
            return switch (primitive.kind()) {
                case STRING -> "string";
                case NUMBER, INTEGER -> "number";
                case BOOLEAN -> "boolean";
                case NULL -> "null";
            };
        }
        if (type instanceof Literals literals) {
            Set<String> parts = new LinkedHashSet<>();
            literals.values().forEach(value -> parts.add(literal(value)));
            return String.join(" | ", parts);
        }
        if (type instanceof ArrayOf array) {
            return "Array<" + type(array.items(), indent) + ">";
        }
        if (type instanceof ObjectOf object) {
            return "{\n" + String.join("\n", members(object, indent + INDENT)) + "\n" + indent + "}";
        }
        if (type instanceof Union union) {
            return union(union, indent);
        }
        if (type instanceof Named named) {
            return names.apply(named);
        }
        if (type instanceof Never) {
            return "never";
        }
        Unknown unknown = (Unknown) type;
        return unknown.why().isEmpty() ? "unknown" : "unknown " + SourceText.tsInlineComment(unknown.why());
    }

    /**
     * The members of an object type, one line each (JSDoc lines included), every line starting with
     * {@code indent}: the declared properties, then an index signature unless the object is closed.
     */
    List<String> members(ObjectOf object, String indent) {
        List<String> lines = new ArrayList<>();
        for (Field field : object.fields()) {
            if (field.description() != null) {
                lines.addAll(jsdoc(SourceText.jsdoc(field.description()), indent));
            }
            lines.add(indent + key(field.name()) + (field.required() ? ": " : "?: ") + type(field.type(), indent) + ";");
        }
        if (!object.closed()) {
            // declared properties must fit the index signature too, so with any declared only unknown is safe
            String rest = object.fields().isEmpty() ? type(object.additional(), indent) : "unknown";
            lines.add(indent + "[key: string]: " + rest + ";");
        } else if (object.fields().isEmpty()) {
            // an empty interface would accept any object; this one accepts only {}
            lines.add(indent + "[key: string]: never;");
        }
        return lines;
    }

    /** A JSDoc comment of escaped lines, at {@code indent}. */
    static List<String> jsdoc(List<String> text, String indent) {
        if (text.size() == 1) {
            return List.of(indent + "/** " + text.get(0) + " */");
        }
        List<String> lines = new ArrayList<>();
        lines.add(indent + "/**");
        text.forEach(line -> lines.add(indent + (line.isEmpty() ? " *" : " * " + line)));
        lines.add(indent + " */");
        return lines;
    }

    /** A property key: bare when it is an identifier, quoted otherwise. */
    static String key(String name) {
        return IDENTIFIER.matcher(name).matches() ? name : SourceText.tsString(name);
    }

    private String union(Union union, String indent) {
        Set<String> parts = new LinkedHashSet<>();
        for (SchemaType member : union.members()) {
            if (member instanceof Unknown) {
                // unknown absorbs every other member
                return type(member, indent);
            }
            if (!(member instanceof Never)) {
                parts.add(type(member, indent));
            }
        }
        return parts.isEmpty() ? "never" : String.join(" | ", parts);
    }

    private static String literal(JsonNode value) {
        if (value.isTextual()) {
            return SourceText.tsString(value.asText());
        }
        if (value.isNumber()) {
            // a literal too large for a double has no literal type
            return Double.isFinite(value.asDouble()) ? value.toString() : "number";
        }
        return value.isBoolean() ? value.toString() : "null";
    }
}
