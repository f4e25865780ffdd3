package io.tally.server;

import io.tally.core.project.Project;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.ZoneId;
import java.util.HexFormat;
import java.util.Properties;

/**
 * The project every installation starts with. Its keys are generated once and kept in the data
 * directory, so a restart keeps them; environment variables can fix them for scripted set-ups.
 */
final class DefaultProject {
    static final String ID = "default";
    private static final String FILE = "default-project.properties";

    private DefaultProject() {
    }

    static Project load(Path dataDir, String fixedWriteKey, String fixedReadKey) {
        Path file = dataDir.resolve(FILE);
        Properties stored = new Properties();
        try {
            Files.createDirectories(dataDir);
            if (Files.exists(file)) {
                try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                    stored.load(in);
                }
            }
            String writeKey = fixedWriteKey != null ? fixedWriteKey : stored.getProperty("write.key", "wk_" + randomKey());
            String readKey = fixedReadKey != null ? fixedReadKey : stored.getProperty("read.key", "rk_" + randomKey());
            if (!writeKey.equals(stored.getProperty("write.key")) || !readKey.equals(stored.getProperty("read.key"))) {
                stored.setProperty("write.key", writeKey);
                stored.setProperty("read.key", readKey);
                try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
                    stored.store(out, "keys of the default project; the read key can read all its data, keep it secret");
                }
            }
            return new Project(ID, writeKey, readKey, ZoneId.of("UTC"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep the default project's keys in " + file, e);
        }
    }

    private static String randomKey() {
        byte[] bytes = new byte[16];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}
