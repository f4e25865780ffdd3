package io.tally.schema.codegen;

import static java.util.Objects.requireNonNull;

import java.util.function.UnaryOperator;

/**
 * How one schema type appears in generated Java.
 *
 * @param code the type as written where a value is required, e.g. {@code long}
 * @param boxed the type where the value may be absent, e.g. {@code Long}
 * @param toWire turns an expression of this type (never null) into the value put into the properties
 *     map, e.g. {@code x.toProperties()} for a nested record; null when the value is put as it is
 * @param copy how the canonical constructor copies a value so the record stays immutable
 * @param note what the reader of the generated code should know, e.g. that a type was not expressed; or null
 */
record JavaType(String code, String boxed, UnaryOperator<String> toWire, Copy copy, String note) {
    /** Defensive copies of mutable values. */
    enum Copy {
        NONE, LIST, MAP
    }

    JavaType {
        requireNonNull(code, "code is null");
        requireNonNull(boxed, "boxed is null");
        requireNonNull(copy, "copy is null");
    }

    /** A reference type sent as it is, such as {@code String}. */
    static JavaType plain(String code) {
        return new JavaType(code, code, null, Copy.NONE, null);
    }

    /** A primitive with its box, such as {@code long} and {@code Long}. */
    static JavaType primitive(String code, String boxed) {
        return new JavaType(code, boxed, null, Copy.NONE, null);
    }

    /** {@code Object}, for what the generator cannot type; {@code note} says why. */
    static JavaType object(String note) {
        return new JavaType("Object", "Object", null, Copy.NONE, note);
    }

    JavaType withNote(String newNote) {
        return new JavaType(code, boxed, toWire, copy, newNote);
    }

    boolean isPrimitive() {
        return !code.equals(boxed);
    }

    /** Whether the value must be converted before it goes into the properties map. */
    boolean converts() {
        return toWire != null;
    }

    /** The expression that puts the value of {@code expression} (never null) into the properties map. */
    String wire(String expression) {
        return toWire == null ? expression : toWire.apply(expression);
    }
}
