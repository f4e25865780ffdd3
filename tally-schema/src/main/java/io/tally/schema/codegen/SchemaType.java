package io.tally.schema.codegen;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * The shape of a value as far as a type system can say it, read from a JSON Schema by
 * {@link SchemaReader}. Both generators render this model, so they agree on what a schema means.
 *
 * <p>The model is always a superset of the schema: every value the schema accepts fits the type.
 * Keywords that only narrow (lengths, patterns, {@code not}, {@code if}) are dropped, and a construct
 * the model cannot express becomes {@link Unknown} with the reason, never an error.
 */
sealed interface SchemaType {

    /** The JSON types that have a direct counterpart in TypeScript and Java. */
    enum Kind {
        STRING, NUMBER, INTEGER, BOOLEAN, NULL
    }

    /** A value of one primitive JSON type. */
    record Primitive(Kind kind) implements SchemaType {
        public Primitive {
            requireNonNull(kind, "kind is null");
        }
    }

    /** One of a fixed list of scalar JSON values ({@code enum}, {@code const}). */
    record Literals(List<JsonNode> values) implements SchemaType {
        public Literals {
            values = List.copyOf(values);
            if (values.isEmpty() || !values.stream().allMatch(v -> v.isValueNode())) {
                throw new IllegalArgumentException("literals are one or more scalar values: " + values);
            }
        }
    }

    /** A JSON array whose elements all have one type. */
    record ArrayOf(SchemaType items) implements SchemaType {
        public ArrayOf {
            requireNonNull(items, "items is null");
        }
    }

    /**
     * A JSON object.
     *
     * @param fields the declared properties, in the schema's order
     * @param additional the type of any other property: {@link Never} when the object is closed
     *     ({@code additionalProperties: false}), {@link Unknown} when anything goes
     */
    record ObjectOf(List<Field> fields, SchemaType additional) implements SchemaType {
        public ObjectOf {
            fields = List.copyOf(fields);
            requireNonNull(additional, "additional is null");
        }

        boolean closed() {
            return additional instanceof Never;
        }

        boolean hasRequiredField() {
            return fields.stream().anyMatch(Field::required);
        }
    }

    /**
     * One declared property of an object.
     *
     * @param name the key as it appears in events
     * @param description the schema's {@code description}, or null
     */
    record Field(String name, SchemaType type, boolean required, String description) {
        public Field {
            requireNonNull(name, "name is null");
            requireNonNull(type, "type is null");
        }
    }

    /** Any of several types: a {@code type} array, or {@code anyOf}/{@code oneOf} of self-contained branches. */
    record Union(List<SchemaType> members) implements SchemaType {
        public Union {
            members = List.copyOf(members);
        }
    }

    /**
     * A named schema of the same document, referenced with {@code $ref}.
     *
     * @param pointer {@code "#"} for the document itself, or {@code "#/$defs/NAME"}
     */
    record Named(String pointer) implements SchemaType {
        /** The pointer of the document itself, for recursive schemas. */
        static final String ROOT = "#";

        public Named {
            requireNonNull(pointer, "pointer is null");
        }

        boolean isRoot() {
            return ROOT.equals(pointer);
        }
    }

    /** No value at all: the {@code false} schema, used for closed objects. */
    record Never() implements SchemaType {
    }

    /**
     * Any value, because the schema allows anything or says something the model cannot express.
     *
     * @param why shown to the reader of the generated code, e.g. "anyOf is not expressed"; empty when
     *     the schema itself allows anything
     */
    record Unknown(String why) implements SchemaType {
        /** Any value, because the schema says nothing more. */
        static final Unknown ANY = new Unknown("");

        public Unknown {
            requireNonNull(why, "why is null");
        }
    }
}
