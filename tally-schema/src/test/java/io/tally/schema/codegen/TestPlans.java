package io.tally.schema.codegen;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.tally.schema.LocalConfigLog;
import io.tally.schema.PlanDirectory;
import io.tally.schema.ProjectPlan;
import io.tally.schema.SchemaVer;
import io.tally.schema.TrackingPlans;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

/** Tracking plans for the generator tests, built the way the registry builds them. */
final class TestPlans {
    private static final ObjectMapper JSON = new ObjectMapper();

    private TestPlans() {
    }

    /** Project "shop" of the plan directory in the test resources: every construct the generators handle. */
    static ProjectPlan shop() {
        try {
            TrackingPlans plans = registry();
            PlanDirectory.load(Path.of(TestPlans.class.getResource("/codegen/plan").toURI()), plans);
            return plans.plan("shop");
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A plan of project "test" with version 1-0-0 of each schema, given as JSON text by event name. */
    static ProjectPlan of(Map<String, String> schemas) {
        TrackingPlans plans = registry();
        schemas.forEach((event, schema) -> {
            try {
                plans.register("test", event, SchemaVer.parse("1-0-0"), JSON.readTree(schema));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        return plans.plan("test");
    }

    static TrackingPlans registry() {
        return new TrackingPlans(new LocalConfigLog(), Clock.systemUTC(), Duration.ofSeconds(5));
    }
}
