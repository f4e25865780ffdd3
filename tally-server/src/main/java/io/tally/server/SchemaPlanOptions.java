package io.tally.server;

import io.tally.schema.LocalConfigLog;
import io.tally.schema.PlanDirectory;
import io.tally.schema.ProjectPlan;
import io.tally.schema.TrackingPlans;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * Where the {@code tally schema} commands read a tracking plan from: a directory as the server loads
 * it, registered into an in-process registry so the same rules apply (a schema the server would
 * refuse stops generation too, with the file's name).
 */
final class SchemaPlanOptions {
    @Option(names = "--schemas-dir", paramLabel = "DIR", required = true,
            description = "The tracking-plan directory: PROJECT/EVENT/1-0-0.json, as for tally run --schemas-dir")
    Path schemasDir;

    @Option(names = "--project", paramLabel = "PROJECT", defaultValue = "default", description = "The project whose plan to use (default: ${DEFAULT-VALUE})")
    String project;

    /**
     * The project's plan.
     *
     * @throws ParameterException naming the option when the directory, the project or its schemas are missing or wrong
     */
    ProjectPlan load(CommandSpec spec) {
        if (!Files.isDirectory(schemasDir)) {
            throw new ParameterException(spec.commandLine(), "--schemas-dir " + schemasDir + " does not exist or is not a directory");
        }
        if (!Files.isDirectory(schemasDir.resolve(project))) {
            throw new ParameterException(spec.commandLine(), "--schemas-dir " + schemasDir + " has no project '" + project
                    + "' (--project); it has: " + projects());
        }
        ProjectPlan plan;
        try (TrackingPlans plans = new TrackingPlans(new LocalConfigLog(), Clock.systemUTC(), Duration.ofSeconds(5))) {
            PlanDirectory.load(schemasDir, plans);
            plan = plans.plan(project);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "the tracking plan cannot be loaded: " + e.getMessage(), e);
        }
        if (plan.schemas().isEmpty()) {
            throw new ParameterException(spec.commandLine(), "project '" + project + "' in " + schemasDir
                    + " has no schemas; a schema is a file such as " + schemasDir.resolve(project).resolve("EVENT").resolve("1-0-0.json"));
        }
        return plan;
    }

    private String projects() {
        try (Stream<Path> entries = Files.list(schemasDir)) {
            String names = entries.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted()
                    .collect(Collectors.joining(", "));
            return names.isEmpty() ? "none" : names;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
