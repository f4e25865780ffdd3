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
}
