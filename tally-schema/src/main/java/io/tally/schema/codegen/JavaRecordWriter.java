package io.tally.schema.codegen;

import io.tally.schema.codegen.JavaDeclaration.Component;
import io.tally.schema.codegen.JavaDeclaration.Constant;
import io.tally.schema.codegen.JavaDeclaration.EnumSpec;
import io.tally.schema.codegen.JavaDeclaration.RecordSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Writes the records and enums of generated Java. A record has its components, a compact constructor
 * that refuses a missing required property and copies lists and maps, {@code toProperties()} that
 * gives the map sent on the wire, and a {@code Builder} for records with many optional properties.
 */
final class JavaRecordWriter {
    private final SourceWriter out;

    JavaRecordWriter(SourceWriter out) {
        this.out = out;
    }

    /**
     * @param constants lines declaring constants at the top of the record, e.g. the event name
     * @param nested types declared inside the record
     */
    void record(RecordSpec spec, List<String> constants, List<JavaDeclaration> nested) {
        out.doc(recordDoc(spec));
        List<Component> components = spec.components();
        String parameters = components.stream().map(c -> c.declaredType() + " " + c.name())
                .collect(Collectors.joining(",\n        "));
        out.open("public record " + spec.name() + "(" + (components.size() > 1 ? "\n        " : "") + parameters + ") {");
        constants.forEach(out::line);
        if (!constants.isEmpty()) {
            out.blank();
        }
        constructor(spec);
        out.doc(List.of("Starts a {@link " + spec.name() + "} to be set one property at a time."));
        out.open("public static Builder builder() {").line("return new Builder();").close("}").blank();
        toProperties(spec);
        builder(spec);
        for (JavaDeclaration declaration : nested) {
            out.blank();
            if (declaration instanceof RecordSpec record) {
                record(record, List.of(), List.of());
            } else {
                enumeration((EnumSpec) declaration);
            }
        }
        out.close("}");
    }

    private static List<String> recordDoc(RecordSpec spec) {
        List<String> doc = new ArrayList<>(SourceText.javadoc(spec.summary()));
        if (spec.description() != null) {
            doc.add("");
            List<String> description = SourceText.javadoc(spec.description());
            doc.add("<p>" + description.get(0));
            doc.addAll(description.subList(1, description.size()));
        }
        if (!spec.components().isEmpty()) {
            doc.add("");
        }
        for (Component c : spec.components()) {
            String text = "\"" + c.key() + "\", " + (c.required() ? "required" : "optional")
                    + (c.nullable() ? ", may be null" : "")
                    + (c.description() == null ? "" : ": " + c.description())
                    + (c.type().note() == null ? "" : " (" + c.type().note() + ")");
            doc.add("@param " + c.name() + " " + SourceText.javaLineComment(text));
        }
        return doc;
    }

    private void constructor(RecordSpec spec) {
        List<String> body = new ArrayList<>();
        for (Component c : spec.components()) {
            if (c.mustBePresent() && !c.type().isPrimitive()) {
                body.add("Objects.requireNonNull(" + c.name() + ", " + SourceText.javaString(c.key() + " is required") + ");");
            }
            switch (c.type().copy()) {
                case LIST -> body.add(c.name() + " = " + c.name() + " == null ? null : Collections.unmodifiableList(new ArrayList<>("
                        + c.name() + "));");
                case MAP -> body.add(c.name() + " = " + c.name() + " == null ? null : Collections.unmodifiableMap(new LinkedHashMap<>("
                        + c.name() + "));");
                case NONE -> { }
            }
        }
        if (body.isEmpty()) {
            return;
        }
        out.doc(List.of("Refuses a missing required property; keeps copies of lists and maps."));
        out.open("public " + spec.name() + " {");
        body.forEach(out::line);
        out.close("}").blank();
    }

    private void toProperties(RecordSpec spec) {
        out.doc(List.of("The properties as sent: the schema's keys, optional properties that are null left out."));
        out.open("public Map<String, Object> toProperties() {");
        if (spec.freeForm()) {
            out.line("return this." + spec.components().get(0).name() + ";");
            out.close("}").blank();
            return;
        }
        out.line("Map<String, Object> out = new LinkedHashMap<>();");
        for (Component c : spec.components()) {
            String value = "this." + c.name();
            String put = "out.put(" + SourceText.javaString(c.key()) + ", ";
            if (c.mustBePresent()) {
                out.line(put + c.type().wire(value) + ");");
            } else if (c.required()) {
                // required but nullable: the key is sent, with null as its value
                out.line(put + (c.type().converts() ? value + " == null ? null : " + c.type().wire(value) : value) + ");");
            } else {
                out.open("if (" + value + " != null) {").line(put + c.type().wire(value) + ");").close("}");
            }
        }
        out.line("return Collections.unmodifiableMap(out);");
        out.close("}").blank();
    }

    private void builder(RecordSpec spec) {
        out.doc(List.of("Collects the properties of a {@link " + spec.name() + "}; {@link #build()} checks them."));
        out.open("public static final class Builder {");
        for (Component c : spec.components()) {
            out.line("private " + c.type().boxed() + " " + c.name() + ";");
        }
        out.blank();
        out.open("private Builder() {").close("}");
        for (Component c : spec.components()) {
            out.blank();
            out.doc(List.of("Sets " + SourceText.javaLineComment("\"" + c.key() + "\"") + "."));
            out.open("public Builder " + c.name() + "(" + c.type().boxed() + " " + c.name() + ") {");
            out.line("this." + c.name() + " = " + c.name() + ";").line("return this;");
            out.close("}");
        }
        out.blank();
        out.doc(List.of("The record; throws {@link NullPointerException} naming a required property that was not set."));
        out.open("public " + spec.name() + " build() {");
        for (Component c : spec.components()) {
            if (c.mustBePresent() && c.type().isPrimitive()) {
                // the record's primitive component cannot say that it was never set, so check here
                out.line("Objects.requireNonNull(" + c.name() + ", " + SourceText.javaString(c.key() + " is required") + ");");
            }
        }
        out.line("return new " + spec.name() + "(" + spec.components().stream().map(Component::name)
                .collect(Collectors.joining(", ")) + ");");
        out.close("}");
        out.close("}");
    }

    private void enumeration(EnumSpec spec) {
        out.doc(SourceText.javadoc(spec.summary()));
        out.open("public enum " + spec.name() + " {");
        List<Constant> constants = spec.constants();
        for (int i = 0; i < constants.size(); i++) {
            Constant constant = constants.get(i);
            out.line(constant.name() + "(" + SourceText.javaString(constant.wireValue()) + ")"
                    + (i == constants.size() - 1 ? ";" : ","));
        }
        out.blank();
        out.line("private final String wireValue;").blank();
        out.open(spec.name() + "(String wireValue) {").line("this.wireValue = wireValue;").close("}").blank();
        out.doc(List.of("The value as sent."));
        out.open("public String wireValue() {").line("return wireValue;").close("}");
        out.close("}");
    }
}
