package io.tally.store.clickhouse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class ClickHouseSettingsTest {
    @Test
    void badSettingsFailWithTheirName() {
        assertThatThrownBy(() -> ClickHouseSettings.of("ftp://host:21", "tally")).hasMessageContaining("clickhouse.url");
        assertThatThrownBy(() -> ClickHouseSettings.of("http://host:8123/?database=x", "tally")).hasMessageContaining("clickhouse.url");
        assertThatThrownBy(() -> ClickHouseSettings.of("http://host:8123", "tally; DROP")).hasMessageContaining("clickhouse.database");
        assertThatThrownBy(() -> new ClickHouseSettings(URI.create("http://h:1"), " ", "", "db", Duration.ofSeconds(1), Duration.ofSeconds(1), false, ""))
                .hasMessageContaining("clickhouse.user");
        assertThatThrownBy(() -> new ClickHouseSettings(URI.create("http://h:1"), "u", "", "db", Duration.ZERO, Duration.ofSeconds(1), false, ""))
                .hasMessageContaining("clickhouse.connect-timeout");
        assertThatThrownBy(() -> new ClickHouseSettings(URI.create("http://h:1"), "u", "", "db", Duration.ofSeconds(1), Duration.ofMillis(10), false, ""))
                .hasMessageContaining("clickhouse.query-timeout");
    }

    @Test
    void thePasswordStaysOutOfToString() {
        assertThat(ClickHouseSettings.of("http://h:8123", "tally").withCredentials("tally", "hunter2").toString())
                .doesNotContain("hunter2").contains("***");
    }

    @Test
    void zonesMapToNamesClickHouseKnows() {
        assertThat(ClickHouseTime.zone(ZoneId.of("Europe/Berlin"))).isEqualTo("Europe/Berlin");
        assertThat(ClickHouseTime.zone(ZoneOffset.UTC)).isEqualTo("UTC");
        assertThat(ClickHouseTime.zone(ZoneId.of("UTC"))).isEqualTo("UTC");
        assertThat(ClickHouseTime.zone(ZoneOffset.ofHours(2))).isEqualTo("Etc/GMT-2");
        assertThat(ClickHouseTime.zone(ZoneOffset.ofHours(-5))).isEqualTo("Etc/GMT+5");
        assertThatThrownBy(() -> ClickHouseTime.zone(ZoneOffset.ofHoursMinutes(5, 30)))
                .hasMessageContaining("whole hours");
    }

    @Test
    void rangesUseWholeSecondsWhenTheyCan() {
        assertThat(ClickHouseTime.range(Instant.ofEpochSecond(100), Instant.ofEpochSecond(200)))
                .isEqualTo("timestamp >= toDateTime(100) AND timestamp < toDateTime(200)");
    }
}
