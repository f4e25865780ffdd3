package io.tally.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The command line alone: nothing here gets as far as starting a server. */
class ServeCommandTest {
    @TempDir
    Path dataDir;

    @Test
    void helpDescribesTimezone() {
        String help = new CommandLine(new RunCommand()).getUsageMessage();
        assertThat(help).contains("--timezone=ZONE").contains("TALLY_DEFAULT_TIMEZONE");
    }

    @Test
    void unknownTimezoneIsRefusedBeforeStarting() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream original = System.err;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        int exitCode;
        try {
            exitCode = new CommandLine(new RunCommand()).execute("--data-dir", dataDir.toString(), "--timezone", "Mars/Olympus");
        } finally {
            System.setErr(original);
        }
        assertThat(exitCode).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("tally run: --timezone: unknown time zone 'Mars/Olympus'");
    }

    @Test
    void hotPropertiesAreRefusedBeforeStartingWhenRepeatedOrWithClickHouse() {
        assertThat(new CommandLine(new RunCommand()).getUsageMessage()).contains("--hot-properties=KEY");
        assertThat(runAndCaptureErrors("--data-dir", dataDir.toString(), "--hot-properties", "plan,plan"))
                .contains("--hot-properties must name distinct, non-empty keys");
        assertThat(runAndCaptureErrors("--data-dir", dataDir.toString(), "--hot-properties", "plan",
                "--store", "clickhouse", "--clickhouse-url", "http://127.0.0.1:1"))
                .contains("--hot-properties applies to the embedded DuckDB store");
    }

    private static String runAndCaptureErrors(String... args) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream original = System.err;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            assertThat(new CommandLine(new RunCommand()).execute(args)).isEqualTo(2);
        } finally {
            System.setErr(original);
        }
        return err.toString(StandardCharsets.UTF_8);
    }
}
