package io.tally.schema.codegen;

import static java.util.Objects.requireNonNull;

import java.util.List;

/** A type that generated Java declares: a record for an object schema, an enum for string literals. */
sealed interface JavaDeclaration {

    String name();

    /**
     * A record with one component per declared property.
     *
     * @param summary the first sentence of its Javadoc, unescaped
     * @param description the schema's description, or null
     * @param freeForm true for a schema that is not an object with properties: the record then holds
     *     the whole properties map in its one component
     */
    record RecordSpec(String name, List<Component> components, String summary, String description, boolean freeForm)
            implements JavaDeclaration {
        public RecordSpec {
            requireNonNull(name, "name is null");
            components = List.copyOf(components);
            requireNonNull(summary, "summary is null");
        }
    }

    /**
     * An enum whose constants stand for string values.
     *
     * @param summary its Javadoc, unescaped
     */
    record EnumSpec(String name, List<Constant> constants, String summary) implements JavaDeclaration {
        public EnumSpec {
            requireNonNull(name, "name is null");
            constants = List.copyOf(constants);
        }
    }

    /** One enum constant and the string it is sent as. */
    record Constant(String name, String wireValue) {
    }

    /**
     * One record component.
     *
     * @param key the property key as sent
     * @param name the component's Java name
     * @param nullable whether the schema allows null as the value
     * @param description the property's description, or null
     */
    record Component(String key, String name, JavaType type, boolean required, boolean nullable, String description) {
        public Component {
            requireNonNull(key, "key is null");
            requireNonNull(name, "name is null");
            requireNonNull(type, "type is null");
        }

        /** Whether the record refuses to be built without a value. */
        boolean mustBePresent() {
            return required && !nullable;
        }

        /** The component's type: primitive only when a value must be present. */
        String declaredType() {
            return mustBePresent() ? type.code() : type.boxed();
        }
    }
}
