package io.tally.schema;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A schema version in SchemaVer form, {@code MODEL-REVISION-ADDITION}: an ADDITION step keeps every
 * earlier event valid, a REVISION step must too in Tally (stricter than SchemaVer itself, see
 * docs/schemas.md), and only a MODEL step may break earlier events.
 */
public record SchemaVer(int model, int revision, int addition) implements Comparable<SchemaVer> {
    private static final Pattern FORM = Pattern.compile("([1-9][0-9]{0,5})-(0|[1-9][0-9]{0,5})-(0|[1-9][0-9]{0,5})");

    public SchemaVer {
        if (model < 1 || revision < 0 || addition < 0) {
            throw new IllegalArgumentException("a SchemaVer has MODEL >= 1 and REVISION, ADDITION >= 0: "
                    + model + "-" + revision + "-" + addition);
        }
    }

    /** Parses {@code 1-0-2}; throws {@link IllegalArgumentException} naming the expected form. */
    public static SchemaVer parse(String text) {
        Matcher m = text == null ? null : FORM.matcher(text);
        if (m == null || !m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a SchemaVer: expected MODEL-REVISION-ADDITION such as 1-0-0");
        }
        return new SchemaVer(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)));
    }

    /** What kind of step leads from {@code previous} to this version, or null when it is not the next one. */
    public Step stepFrom(SchemaVer previous) {
        if (model == previous.model + 1 && revision == 0 && addition == 0) {
            return Step.MODEL;
        }
        if (model == previous.model && revision == previous.revision + 1 && addition == 0) {
            return Step.REVISION;
        }
        if (model == previous.model && revision == previous.revision && addition == previous.addition + 1) {
            return Step.ADDITION;
        }
        return null;
    }

    /** The versions that may follow this one, for error messages. */
    public String nextChoices() {
        return new SchemaVer(model, revision, addition + 1) + " (addition), "
                + new SchemaVer(model, revision + 1, 0) + " (revision) or "
                + new SchemaVer(model + 1, 0, 0) + " (model)";
    }

    @Override
    public int compareTo(SchemaVer other) {
        int c = Integer.compare(model, other.model);
        if (c == 0) {
            c = Integer.compare(revision, other.revision);
        }
        return c != 0 ? c : Integer.compare(addition, other.addition);
    }

    @Override
    public String toString() {
        return model + "-" + revision + "-" + addition;
    }

    /** The three kinds of version step. */
    public enum Step {
        MODEL, REVISION, ADDITION
    }
}
