package io.tally.store.clickhouse;

import io.tally.testing.TestingClickHouse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Tests share one server per class; each test directory gets its own database on it. */
final class TestDatabases {
    private TestDatabases() {
    }

    /** The same directory always names the same database, so a test can reopen its store. */
    static ClickHouseSettings settings(TestingClickHouse server, Path dir) {
        return ClickHouseSettings.of(server.httpUrl(), "t_" + sha256(dir.toAbsolutePath().toString()).substring(0, 16));
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
