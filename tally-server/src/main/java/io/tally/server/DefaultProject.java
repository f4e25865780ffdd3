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
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.HexFormat;
import java.util.Properties;

/**
 * The project every installation starts with. Its keys are generated once and kept in the data
 * directory, so a restart keeps them; environment variables can fix them for scripted set-ups.
 * Its time zone (UTC unless given) is kept there too.
 */
final class DefaultProject {
    static final String ID = "default";
    private static final String FILE = "default-project.properties";

    private DefaultProject() {
    }

    /**
     * Loads the default project, creating its file on first start. A key or zone given here replaces
     * the stored one and is kept; null keeps what is stored.
     */
    static Project load(Path dataDir, String fixedWriteKey, String fixedReadKey, ZoneId fixedTimezone) {
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
            ZoneId timezone = fixedTimezone != null ? fixedTimezone : zone(file + ": timezone", stored.getProperty("timezone", "UTC"));
            Properties wanted = (Properties) stored.clone();
            wanted.setProperty("write.key", writeKey);
            wanted.setProperty("read.key", readKey);
            wanted.setProperty("timezone", timezone.getId());
            if (!wanted.equals(stored)) {
                try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
                    wanted.store(out, "keys and time zone of the default project; the read key can read all its data, keep it secret");
                }
            }
            return new Project(ID, writeKey, readKey, timezone);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep the default project's settings in " + file, e);
        }
    }

    /**
     * The zone named {@code name}; {@code source} (an option, a variable) is named when it is refused.
     * Same rule as a query's {@code timezone}, so any default is also a valid query zone: region names
     * and UTC only, because a fixed offset would silently ignore daylight saving.
     */
    static ZoneId zone(String source, String name) {
        if (name.equals("UTC") || name.matches("[A-Za-z_]+(/[A-Za-z0-9_+-]+)+")) {
            try {
                return ZoneId.of(name);
            } catch (DateTimeException e) {
                // not in the JDK's zone data: refused below like a malformed name
            }
        }
        throw new IllegalArgumentException(source + ": unknown time zone '" + name + "'; use an IANA name such as Europe/Berlin");
    }

    private static String randomKey() {
        byte[] bytes = new byte[16];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}
