package io.tally.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A tracking plan kept in files: loaded in version order, repeated starts change nothing, a bad file names itself. */
class PlanDirectoryTest {
    @TempDir
    Path dir;

    private final TrackingPlans plans = new TrackingPlans(new LocalConfigLog(), Clock.systemUTC(), Duration.ofSeconds(1));

    @Test
    void loadsEveryVersionInOrderAndARepeatChangesNothing() throws Exception {
        write("shop/signup/1-0-1.json", "{\"type\":\"object\",\"properties\":{\"plan\":{\"type\":\"string\"},\"coupon\":{\"type\":\"string\"}}}");
        write("shop/signup/1-0-0.json", "{\"type\":\"object\",\"properties\":{\"plan\":{\"type\":\"string\"}}}");
        write("shop/validation.json", "{\"mode\":\"enforce\",\"unknownEvents\":\"reject\"}");
        assertThat(PlanDirectory.load(dir, plans)).hasSize(3);
        assertThat(plans.plan("shop").latest("signup").orElseThrow().version()).isEqualTo(SchemaVer.parse("1-0-1"));
        assertThat(plans.plan("shop").settings()).isEqualTo(new ValidationSettings(ValidationMode.ENFORCE, true));
        assertThat(PlanDirectory.load(dir, plans)).isEmpty();
    }

    @Test
    void anEditedVersionStopsTheLoadNamingTheFile() throws Exception {
        write("shop/signup/1-0-0.json", "{\"type\":\"object\",\"properties\":{\"plan\":{\"type\":\"string\"}}}");
        PlanDirectory.load(dir, plans);
        write("shop/signup/1-0-0.json", "{\"type\":\"object\",\"properties\":{\"plan\":{\"type\":\"integer\"}}}");
        assertThatThrownBy(() -> PlanDirectory.load(dir, plans)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1-0-0.json").hasMessageContaining("already registered");
        write("shop/signup/1-0-0.json", "{\"type\":\"object\",\"properties\":{\"plan\":{\"type\":\"string\"}}}");
        write("shop/signup/v2.json", "{}");
        assertThatThrownBy(() -> PlanDirectory.load(dir, plans)).hasMessageContaining("v2.json").hasMessageContaining("1-0-0.json");
    }

    private void write(String path, String json) throws Exception {
        Path file = dir.resolve(path);
        Files.createDirectories(file.getParent());
        Files.writeString(file, json);
    }
}
