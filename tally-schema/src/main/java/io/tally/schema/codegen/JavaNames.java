package io.tally.schema.codegen;

import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/** Words generated Java code cannot use as names, and the check for package names. */
final class JavaNames {
    /** Keywords, literals and restricted identifiers of Java 17. */
    static final Set<String> KEYWORDS = Set.of("abstract", "assert", "boolean", "break", "byte", "case", "catch", "char",
            "class", "const", "continue", "default", "do", "double", "else", "enum", "extends", "final", "finally", "float",
            "for", "goto", "if", "implements", "import", "instanceof", "int", "interface", "long", "native", "new",
            "package", "private", "protected", "public", "return", "short", "static", "strictfp", "super", "switch",
            "synchronized", "this", "throw", "throws", "transient", "try", "void", "volatile", "while", "true", "false",
            "null", "_", "var", "yield", "record", "sealed", "permits");

    /**
     * Type names the generated code refers to without qualification: a generated type of the same
     * name would shadow them. Also the nested {@code Builder} every record has.
     */
    static final Set<String> TYPES = Set.of("String", "Object", "Long", "Double", "Boolean", "Integer", "List", "Map",
            "LinkedHashMap", "ArrayList", "Collections", "Objects", "Override", "Deprecated", "SuppressWarnings",
            "Builder", "TallyClient", "TypedTally", "Math", "System", "Class", "Enum", "Record", "Number", "Void",
            "Exception", "Error", "Throwable", "Iterable", "Character");

    /**
     * Names a record component or tracker method cannot have: keywords, the methods of
     * {@link Object} (records forbid some as component names), and the members every generated
     * record and builder has.
     */
    static final Set<String> MEMBERS = Stream.concat(KEYWORDS.stream(), Stream.of("clone", "finalize", "getClass",
            "hashCode", "notify", "notifyAll", "toString", "wait", "equals", "toProperties", "builder", "build"))
            .collect(java.util.stream.Collectors.toUnmodifiableSet());

    private JavaNames() {
    }

    /** Throws {@link IllegalArgumentException} unless {@code name} is a package name such as {@code com.acme.events}. */
    static String requirePackage(String name) {
        if (name == null || name.isEmpty() || !List.of(name.split("\\.", -1)).stream().allMatch(JavaNames::isIdentifier)) {
            throw new IllegalArgumentException("'" + name + "' is not a Java package name such as com.example.events");
        }
        return name;
    }

    private static boolean isIdentifier(String part) {
        return !part.isEmpty() && !KEYWORDS.contains(part) && Character.isJavaIdentifierStart(part.charAt(0))
                && part.chars().allMatch(Character::isJavaIdentifierPart);
    }
}
