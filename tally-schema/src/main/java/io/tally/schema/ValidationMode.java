package io.tally.schema;

/** What a project's collector does with an event that does not match its tracking plan. */
public enum ValidationMode {
    /** Do not check. */
    OFF,
    /** Accept the event, record the violations with it ({@code context.violations}) and count them. */
    WARN,
    /** Refuse the event: it goes to the dead-letter topic with the violation as its reason. */
    ENFORCE;

    public String wireName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** Parses {@code off}, {@code warn} or {@code enforce}, any case. */
    public static ValidationMode parse(String text) {
        for (ValidationMode mode : values()) {
            if (mode.wireName().equalsIgnoreCase(text)) {
                return mode;
            }
        }
        throw new IllegalArgumentException("validation mode must be off, warn or enforce, not '" + text + "'");
    }
}
