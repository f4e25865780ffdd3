package io.tally.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.tally.core.project.Project;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DefaultProjectTest {
    @TempDir
    Path dataDir;

    @Test
    void generatedKeysAreKeptAcrossStarts() {
        Project first = DefaultProject.load(dataDir, null, null);
        Project second = DefaultProject.load(dataDir, null, null);
        assertThat(first.writeKey()).startsWith("wk_").isEqualTo(second.writeKey());
        assertThat(first.readKey()).startsWith("rk_").isEqualTo(second.readKey());
        assertThat(first.writeKey()).isNotEqualTo(first.readKey());
    }

    @Test
    void keysFromTheEnvironmentWinAndAreKept() {
        DefaultProject.load(dataDir, null, null);
        Project fixed = DefaultProject.load(dataDir, "wk_fixed", "rk_fixed");
        assertThat(fixed.writeKey()).isEqualTo("wk_fixed");
        assertThat(DefaultProject.load(dataDir, null, null).readKey()).isEqualTo("rk_fixed");
    }
}
