package io.tally.server;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the tracking plan comes from and who may change it.
 *
 * @param directory a tracking-plan directory registered at start (see {@code PlanDirectory}), or null
 * @param adminKey the key that may change tracking plans and replay dead letters, or null to generate
 *     one and keep it in the data directory
 */
public record SchemaSettings(Path directory, String adminKey) {
    public SchemaSettings {
        if (directory != null && !Files.isDirectory(directory)) {
            throw new IllegalArgumentException("--schemas-dir " + directory + " is not a directory");
        }
        if (adminKey != null && adminKey.length() < 16) {
            throw new IllegalArgumentException("TALLY_ADMIN_KEY must be at least 16 characters");
        }
    }

    public static SchemaSettings defaults() {
        return new SchemaSettings(null, null);
    }
}
