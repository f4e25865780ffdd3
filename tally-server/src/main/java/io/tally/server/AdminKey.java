package io.tally.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * The server's admin key, which may change tracking plans and replay dead letters. Generated once and
 * kept in the data directory (readable by its owner only); {@code TALLY_ADMIN_KEY} fixes it, which a
 * cluster needs so that every collector accepts the same key.
 */
final class AdminKey {
    private static final String FILE = "admin.key";

    private AdminKey() {
    }

    static String load(Path dataDir, String fixed) {
        if (fixed != null) {
            return fixed;
        }
        Path file = dataDir.resolve(FILE);
        try {
            if (Files.exists(file)) {
                return Files.readString(file, StandardCharsets.UTF_8).trim();
            }
            Files.createDirectories(dataDir);
            byte[] bytes = new byte[24];
            new SecureRandom().nextBytes(bytes);
            String key = "ak_" + HexFormat.of().formatHex(bytes);
            Files.writeString(file, key + "\n", StandardCharsets.UTF_8);
            try {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException e) {
                // not a POSIX file system: the directory's own protection applies
            }
            return key;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep the admin key in " + file, e);
        }
    }
}
