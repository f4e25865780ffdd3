package io.tally.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.tally.core.retention.Retention;
import io.tally.core.retention.RetentionPolicy;
import io.tally.loader.RetentionSettings;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Loaders agree on one retention policy: one given --project-retention publishes it, and a loader
 * started later without retention options (here the same installation restarted) enforces it instead
 * of its own default, which would delete the project's older months.
 */
class SharedRetentionTest {
    @TempDir
    Path dataDir;

    @Test
    void aLoaderStartedWithoutRetentionOptionsEnforcesThePublishedPolicy() {
        RetentionPolicy shopKeepsTenYears = new RetentionPolicy(Retention.DEFAULT, Map.of("shop", Retention.parse("P10Y/P10Y")));
        ServerSettings base = ServerSettings.defaults(dataDir).withPort(0).withHost("127.0.0.1").withRoles(java.util.EnumSet.of(Role.LOADER));
        try (TallyServer given = TallyServer.start(base.withRetention(new RetentionSettings(shopKeepsTenYears, true,
                RetentionSettings.DEFAULT_CHECK_INTERVAL)))) {
            assertThat(given.enforcedRetention()).contains(shopKeepsTenYears);
        }
        try (TallyServer withoutOptions = TallyServer.start(base)) {
            assertThat(withoutOptions.enforcedRetention()).contains(shopKeepsTenYears);
        }
        RetentionPolicy shorter = RetentionPolicy.of(Retention.parse("P1Y/P3Y"));
        try (TallyServer changed = TallyServer.start(base.withRetention(new RetentionSettings(shorter, true,
                RetentionSettings.DEFAULT_CHECK_INTERVAL)))) {
            assertThat(changed.enforcedRetention()).contains(shorter);
        }
    }
}
