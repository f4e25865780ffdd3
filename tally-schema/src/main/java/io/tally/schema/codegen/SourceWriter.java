package io.tally.schema.codegen;

import java.util.List;

/** Collects the lines of one generated file with their indentation. */
final class SourceWriter {
    private final String unit;
    private final StringBuilder out = new StringBuilder();
    private int depth;

    /** @param unit one level of indentation, e.g. four spaces */
    SourceWriter(String unit) {
        this.unit = unit;
    }

    /** Writes text at the current indentation; each line of a text that spans lines is indented. */
    SourceWriter line(String text) {
        for (String line : text.split("\n", -1)) {
            if (!line.isEmpty()) {
                out.append(unit.repeat(depth)).append(line);
            }
            out.append('\n');
        }
        return this;
    }

    SourceWriter blank() {
        return line("");
    }

    /** Writes {@code text} (e.g. {@code "class A {"}) and indents what follows. */
    SourceWriter open(String text) {
        line(text);
        depth++;
        return this;
    }

    /** Ends the indentation {@link #open} began and writes {@code text} (e.g. {@code "}"}). */
    SourceWriter close(String text) {
        depth--;
        return line(text);
    }

    /** A {@code /** ... *&#47;} comment of already escaped lines; nothing when there are none. */
    SourceWriter doc(List<String> lines) {
        if (lines.isEmpty()) {
            return this;
        }
        if (lines.size() == 1) {
            return line("/** " + lines.get(0) + " */");
        }
        line("/**");
        lines.forEach(l -> line(l.isEmpty() ? " *" : " * " + l));
        return line(" */");
    }

    @Override
    public String toString() {
        return out.toString();
    }
}
