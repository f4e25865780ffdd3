package io.tally.server;

import io.tally.schema.ProjectPlan;
import io.tally.schema.codegen.GeneratedFile;
import io.tally.schema.codegen.JavaGenerator;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code tally schema java}: Java records per event and a typed tracker over the Java SDK. */
@Command(name = "java", mixinStandardHelpOptions = true,
        description = {"Writes Java 17 sources for the tracking plan: a record per event with its properties, "
                + "IdentifyTraits, and TypedTally, which sends them through the Java SDK's TallyClient with one method "
                + "per event.",
                "",
                "The sources go into the package's folders under --out, e.g. --out src/main/java --package com.acme.events; "
                        + "they need io.tally:tally-sdk-java on the class path.",
                ""})
final class SchemaJavaCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    SchemaPlanOptions plan;

    @Option(names = "--out", paramLabel = "DIR", required = true, description = "The source root to write into, e.g. src/main/java")
    Path out;

    @Option(names = "--package", paramLabel = "PACKAGE", defaultValue = "tally.events", description = "The package of the sources (default: ${DEFAULT-VALUE})")
    String packageName;

    @Override
    public Integer call() throws Exception {
        JavaGenerator generator;
        try {
            generator = new JavaGenerator(packageName);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--package " + e.getMessage());
        }
        ProjectPlan projectPlan = plan.load(spec);
        List<GeneratedFile> files = generator.generate(projectPlan);
        for (GeneratedFile file : files) {
            file.writeUnder(out);
        }
        spec.commandLine().getOut().println("Wrote " + files.size() + " Java sources for project " + projectPlan.project()
                + " to " + out.resolve(packageName.replace('.', '/')));
        return 0;
    }
}
