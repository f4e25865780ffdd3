package io.tally.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tally.core.project.Project;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DefaultProjectTest {
    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

    @TempDir
    Path dataDir;

    @Test
    void generatedKeysAreKeptAcrossStarts() {
        Project first = DefaultProject.load(dataDir, null, null, null);
        Project second = DefaultProject.load(dataDir, null, null, null);
        assertThat(first.writeKey()).startsWith("wk_").isEqualTo(second.writeKey());
        assertThat(first.readKey()).startsWith("rk_").isEqualTo(second.readKey());
        assertThat(first.writeKey()).isNotEqualTo(first.readKey());
    }

    @Test
    void keysFromTheEnvironmentWinAndAreKept() {
        DefaultProject.load(dataDir, null, null, null);
        Project fixed = DefaultProject.load(dataDir, "wk_fixed", "rk_fixed", null);
        assertThat(fixed.writeKey()).isEqualTo("wk_fixed");
        assertThat(DefaultProject.load(dataDir, null, null, null).readKey()).isEqualTo("rk_fixed");
    }

    @Test
    void timezoneIsUtcUntilGiven() {
        assertThat(DefaultProject.load(dataDir, null, null, null).timezone()).isEqualTo(ZoneId.of("UTC"));
        assertThat(DefaultProject.load(dataDir, null, null, null).timezone()).isEqualTo(ZoneId.of("UTC"));
    }

    @Test
    void givenTimezoneIsKeptAcrossStarts() {
        Project first = DefaultProject.load(dataDir, null, null, BERLIN);
        Project restarted = DefaultProject.load(dataDir, null, null, null);
        assertThat(first.timezone()).isEqualTo(BERLIN);
        assertThat(restarted.timezone()).isEqualTo(BERLIN);
        assertThat(restarted.writeKey()).isEqualTo(first.writeKey());
    }

    @Test
    void givenTimezoneReplacesTheStoredOne() {
        DefaultProject.load(dataDir, null, null, BERLIN);
        ZoneId tokyo = ZoneId.of("Asia/Tokyo");
        assertThat(DefaultProject.load(dataDir, null, null, tokyo).timezone()).isEqualTo(tokyo);
        assertThat(DefaultProject.load(dataDir, null, null, null).timezone()).isEqualTo(tokyo);
    }

    @Test
    void onlyKnownRegionZonesAreAccepted() {
        assertThat(DefaultProject.zone("--timezone", "Europe/Berlin")).isEqualTo(BERLIN);
        assertThat(DefaultProject.zone("--timezone", "UTC")).isEqualTo(ZoneId.of("UTC"));
        // unknown, fixed offset (ignores daylight saving), empty
        for (String bad : new String[] {"Mars/Olympus", "+02:00", ""}) {
            assertThatThrownBy(() -> DefaultProject.zone("--timezone", bad))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("--timezone: unknown time zone '" + bad + "'; use an IANA name such as Europe/Berlin");
        }
    }

    @Test
    void aBadStoredZoneNamesTheFile() throws IOException {
        Files.writeString(dataDir.resolve("default-project.properties"), "write.key=wk_a\nread.key=rk_a\ntimezone=Mars/Olympus\n");
        assertThatThrownBy(() -> DefaultProject.load(dataDir, null, null, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("default-project.properties")
                .hasMessageContaining("Mars/Olympus");
    }
}
