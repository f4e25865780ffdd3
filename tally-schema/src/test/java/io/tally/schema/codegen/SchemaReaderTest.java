package io.tally.schema.codegen;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tally.schema.codegen.SchemaReader.ReadSchema;
import io.tally.schema.codegen.SchemaType.ArrayOf;
import io.tally.schema.codegen.SchemaType.Field;
import io.tally.schema.codegen.SchemaType.Kind;
import io.tally.schema.codegen.SchemaType.Named;
import io.tally.schema.codegen.SchemaType.Never;
import io.tally.schema.codegen.SchemaType.ObjectOf;
import io.tally.schema.codegen.SchemaType.Primitive;
import io.tally.schema.codegen.SchemaType.Union;
import io.tally.schema.codegen.SchemaType.Unknown;
import org.junit.jupiter.api.Test;

class SchemaReaderTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void readsPropertiesRequirednessAndClosedness() {
        ObjectOf root = root("""
                {"type": "object", "additionalProperties": false,
                 "properties": {"a": {"type": "string", "description": "the a"}, "b": {"type": ["integer", "null"]}},
                 "required": ["a", "c"]}""");

        assertThat(root.closed()).isTrue();
        assertThat(root.fields()).containsExactly(
                new Field("a", new Primitive(Kind.STRING), true, "the a"),
                new Field("b", new Union(java.util.List.of(new Primitive(Kind.INTEGER), new Primitive(Kind.NULL))), false, null),
                new Field("c", Unknown.ANY, true, null));
    }

    @Test
    void referencesToDefinitionsAreNamedOtherPointersAreReadInPlace() {
        ReadSchema read = read("""
                {"type": "object", "$defs": {"My Type": {"type": "string"}, "unused": {"type": "number"}},
                 "properties": {
                   "a": {"$ref": "#/$defs/My%20Type"},
                   "b": {"$ref": "#/properties/a"},
                   "c": {"$ref": "#"},
                   "d": {"$ref": "#/properties/d"},
                   "e": {"$ref": "#/$defs/missing"},
                   "f": {"$ref": "#anchor"}}}""");
        ObjectOf root = (ObjectOf) read.root();

        assertThat(type(root, "a")).isEqualTo(new Named("#/$defs/My Type"));
        assertThat(read.definitions()).containsOnlyKeys("#/$defs/My Type");
        assertThat(type(root, "b")).isEqualTo(new Named("#/$defs/My Type"));
        assertThat(type(root, "c")).isEqualTo(new Named(Named.ROOT));
        assertThat(type(root, "d")).isInstanceOf(Unknown.class);
        assertThat(((Unknown) type(root, "d")).why()).contains("recursive");
        assertThat(((Unknown) type(root, "e")).why()).contains("points at nothing");
        assertThat(((Unknown) type(root, "f")).why()).contains("anchor");
    }

    @Test
    void aDefinitionThatIsOnlyItselfBecomesUnknownButRecursionThroughAnArrayStays() {
        ReadSchema read = read("""
                {"type": "object", "$defs": {
                   "loop": {"anyOf": [{"$ref": "#/$defs/loop"}, {"type": "string"}]},
                   "tree": {"type": "array", "items": {"$ref": "#/$defs/tree"}}},
                 "properties": {"a": {"$ref": "#/$defs/loop"}, "b": {"$ref": "#/$defs/tree"}}}""");

        assertThat(read.definitions().get("#/$defs/loop").type()).isInstanceOf(Unknown.class);
        assertThat(read.definitions().get("#/$defs/tree").type()).isEqualTo(new ArrayOf(new Named("#/$defs/tree")));
    }

    @Test
    void whatCannotBeExpressedIsUnknownWithTheReason() {
        ObjectOf root = root("""
                {"type": "object", "properties": {
                   "typeless": {"properties": {"x": {"type": "string"}}},
                   "anyOfConstraints": {"anyOf": [{"required": ["x"]}, {"type": "string"}]},
                   "allOf": {"allOf": [{"type": "string"}, {"maxLength": 3}]},
                   "not": {"not": {"type": "string"}},
                   "tuple": {"type": "array", "prefixItems": [{"type": "string"}]},
                   "nothing": false,
                   "anything": true,
                   "objects": {"enum": [{"a": 1}]}}}""");

        assertThat(((Unknown) type(root, "typeless")).why()).contains("no \"type\"");
        assertThat(((Unknown) type(root, "anyOfConstraints")).why()).contains("anyOf");
        assertThat(((Unknown) type(root, "allOf")).why()).contains("allOf");
        assertThat(((Unknown) type(root, "not")).why()).contains("not");
        assertThat(((ArrayOf) type(root, "tuple")).items()).isInstanceOf(Unknown.class);
        assertThat(type(root, "nothing")).isInstanceOf(Never.class);
        assertThat(type(root, "anything")).isEqualTo(Unknown.ANY);
        assertThat(((Unknown) type(root, "objects")).why()).contains("enum");
    }

    @Test
    void typeBeatsTheKeywordsThatOnlyNarrowIt() {
        ObjectOf root = root("""
                {"type": "object", "properties": {
                   "s": {"type": "string", "oneOf": [{"minLength": 1}, {"maxLength": 0}], "pattern": "^a"},
                   "o": {"type": "object", "properties": {"x": {"type": "string"}}, "patternProperties": {"^y": {}},
                         "additionalProperties": false}}}""");

        assertThat(type(root, "s")).isEqualTo(new Primitive(Kind.STRING));
        // keys matching the pattern are allowed, so the object is not closed
        assertThat(((ObjectOf) type(root, "o")).closed()).isFalse();
    }

    @Test
    void deepNestingEndsInUnknownInsteadOfOverflowingTheStack() {
        String deep = "{\"type\": \"array\", \"items\": ".repeat(100) + "{\"type\": \"string\"}" + "}".repeat(100);
        ObjectOf root = root("{\"type\": \"object\", \"properties\": {\"deep\": " + deep + "}}");

        SchemaType type = type(root, "deep");
        while (type instanceof ArrayOf array) {
            type = array.items();
        }
        assertThat(((Unknown) type).why()).contains("nested more than");
    }

    private static SchemaType type(ObjectOf object, String name) {
        return object.fields().stream().filter(f -> f.name().equals(name)).findFirst().orElseThrow().type();
    }

    private static ObjectOf root(String schema) {
        return (ObjectOf) read(schema).root();
    }

    private static ReadSchema read(String schema) {
        try {
            JsonNode node = JSON.readTree(schema);
            return SchemaReader.read(node);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
