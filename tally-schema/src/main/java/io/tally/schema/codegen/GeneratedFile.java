package io.tally.schema.codegen;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One file of generated code.
 *
 * @param path where it goes, relative to the output directory, with {@code /} between folders
 *     (e.g. {@code com/acme/events/OrderCompleted.java})
 */
public record GeneratedFile(String path, String content) {
    public GeneratedFile {
        requireNonNull(path, "path is null");
        requireNonNull(content, "content is null");
    }

    /** Writes the file under {@code root} in UTF-8, creating folders, replacing an older version; returns its path. */
    public Path writeUnder(Path root) throws IOException {
        Path target = root.resolve(path).normalize();
        if (!target.startsWith(root.normalize())) {
            throw new IllegalArgumentException(path + " is not a path inside " + root);
        }
        Files.createDirectories(target.getParent());
        return Files.writeString(target, content, StandardCharsets.UTF_8);
    }
}
