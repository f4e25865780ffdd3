package io.tally.schema.codegen;

import static org.assertj.core.api.Assertions.assertThat;

import io.tally.core.TallyException;
import io.tally.schema.EventSchema;
import io.tally.schema.ProjectPlan;
import io.tally.schema.SchemaVer;
import io.tally.schema.TrackingPlans;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Whatever the registry accepts, both generators produce code that compiles: random schemas with
 * every keyword and awkward names, checked by the real compilers.
 */
class GeneratorRobustnessTest {
    private static final List<Long> SEEDS = List.of(1L, 2L, 3L);
    private static final int EVENTS_PER_PLAN = 40;

    @TempDir
    Path dir;

    @Test
    void codeForRandomSchemasCompilesInBothLanguages() throws Exception {
        for (long seed : SEEDS) {
            ProjectPlan plan = randomPlan(seed);
            assertThat(plan.schemas()).as("schemas the registry took for seed " + seed).hasSizeGreaterThan(EVENTS_PER_PLAN / 2);
            compiles(plan, dir.resolve("seed-" + seed), "seed " + seed);
        }
    }

    @Test
    void eventNamesThatSanitiseAlikeOrAreReservedGetDistinctValidNames() throws Exception {
        List<String> names = List.of("Order Completed", "order completed", "Order_Completed", "order-completed!",
                "ORDER COMPLETED", "class", "new", "toString", "String", "Typed Tally", "TypedTally", "Tally Events",
                "TallyClient", "2FA Enabled", "123", "\u65e5\u672c\u8a9e", "\ud83d\ude80", "Caf\u00e9 Opened",
                "Identify Traits", "IdentifyTraits", "identify", "client", "$identify");
        TrackingPlans plans = TestPlans.registry();
        String schema = "{\"type\": \"object\", \"properties\": {\"x\": {\"type\": \"string\"}}, \"required\": [\"x\"]}";
        for (String name : names) {
            plans.register("names", name, SchemaVer.parse("1-0-0"), new com.fasterxml.jackson.databind.ObjectMapper().readTree(schema));
        }
        ProjectPlan plan = plans.plan("names");

        compiles(plan, dir, "awkward names");

        List<String> records = new JavaGenerator("names.events").generate(plan).stream()
                .map(f -> f.path().substring(f.path().lastIndexOf('/') + 1)).toList();
        assertThat(records).doesNotHaveDuplicates().contains("OrderCompleted.java", "OrderCompleted2.java",
                "OrderCompleted3.java", "OrderCompleted4.java", "OrderCompleted5.java", "Class_.java", "New.java",
                "String_.java", "TypedTally_.java", "TypedTally_2.java", "TallyClient_.java", "_2faEnabled.java", "_123.java", "Event.java",
                "Event2.java", "CafeOpened.java", "IdentifyTraits.java", "IdentifyTraits2.java", "TypedTally.java");
        // names differing only in case would overwrite each other on a case-insensitive file system
        assertThat(records.stream().map(String::toLowerCase).distinct()).hasSameSizeAs(records);
        String ts = new TypeScriptGenerator().generate(plan);
        assertThat(ts).contains("\"Typed Tally\": TypedTallyProperties;", "\"TypedTally\": TypedTallyProperties2;",
                "\"toString\": ToStringProperties;", "\"\\ud83d\\ude80\": EventProperties2;");
    }

    private void compiles(ProjectPlan plan, Path where, String what) throws Exception {
        Path ts = Files.createDirectories(where.resolve("ts")).resolve(TypeScriptGenerator.FILE_NAME);
        Files.writeString(ts, new TypeScriptGenerator().generate(plan));
        TypeScriptCompiler.Result tsc = TypeScriptCompiler.check(ts);
        assertThat(tsc.exitCode()).as(what + ": tsc\n" + tsc.output() + "\n" + Files.readString(ts)).isZero();

        Path sources = where.resolve("java");
        for (GeneratedFile file : new JavaGenerator("fuzz.events").generate(plan)) {
            file.writeUnder(sources);
        }
        JavaSourceCompiler.Result javac = JavaSourceCompiler.compile(sources, where.resolve("classes"));
        assertThat(javac.success()).as(what + ": javac\n" + javac.output()).isTrue();
        assertThat(javac.diagnostics()).as(what + ": javac warnings\n" + javac.output()).isEmpty();
    }

    private static ProjectPlan randomPlan(long seed) {
        RandomSchemas schemas = new RandomSchemas(seed);
        TrackingPlans plans = TestPlans.registry();
        for (int i = 0; i < EVENTS_PER_PLAN; i++) {
            String event = i == 0 ? EventSchema.IDENTIFY : RandomSchemas.AWKWARD.get(i % RandomSchemas.AWKWARD.size()) + " event " + i;
            try {
                plans.register("fuzz", event, SchemaVer.parse("1-0-0"), schemas.document());
            } catch (TallyException refused) {
                // the registry refuses some random documents (e.g. a $ref it cannot resolve); those need no code
            }
        }
        return plans.plan("fuzz");
    }
}
