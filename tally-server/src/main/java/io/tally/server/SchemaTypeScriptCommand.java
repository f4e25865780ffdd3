package io.tally.server;

import io.tally.schema.ProjectPlan;
import io.tally.schema.codegen.TypeScriptGenerator;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code tally schema typescript}: one TypeScript module with a type per event and a typed {@code track}. */
@Command(name = "typescript", mixinStandardHelpOptions = true,
        description = {"Writes TypeScript types for the tracking plan: an interface per event for its properties, "
                + "IdentifyTraits, and TypedTally, whose track and identify accept only what the plan describes.",
                "",
                "In the browser, with typed imported from the written module: const tally = typed(window.tally);",
                ""})
final class SchemaTypeScriptCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    SchemaPlanOptions plan;

    @Option(names = "--out", paramLabel = "FILE_OR_DIR",
            description = "Where to write: a file, or a directory for " + TypeScriptGenerator.FILE_NAME
                    + " in it (default: standard output)")
    String out;

    @Override
    public Integer call() throws Exception {
        ProjectPlan projectPlan = plan.load(spec);
        String module = new TypeScriptGenerator().generate(projectPlan);
        if (out == null) {
            spec.commandLine().getOut().print(module);
            spec.commandLine().getOut().flush();
            return 0;
        }
        // "web/" names a directory even before it exists
        boolean directory = out.endsWith("/") || out.endsWith(File.separator) || Files.isDirectory(Path.of(out));
        Path target = directory ? Path.of(out).resolve(TypeScriptGenerator.FILE_NAME) : Path.of(out);
        if (target.toAbsolutePath().getParent() != null) {
            Files.createDirectories(target.toAbsolutePath().getParent());
        }
        Files.writeString(target, module, StandardCharsets.UTF_8);
        spec.commandLine().getOut().println("Wrote the types of " + projectPlan.schemas().size() + " schemas of project "
                + projectPlan.project() + " to " + target);
        return 0;
    }
}
