package io.tally.server;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code tally schema}: tools for the tracking plan; for now, code generation. */
@Command(name = "schema", mixinStandardHelpOptions = true,
        description = {"Generates code from a tracking plan, so applications send events that fit it.",
                "",
                "Reads a tracking-plan directory (PROJECT/EVENT/1-0-0.json) and describes each event by the newest "
                        + "version of its schema.",
                ""},
        subcommands = {SchemaTypeScriptCommand.class, SchemaJavaCommand.class})
final class SchemaCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "name what to generate: typescript or java");
    }
}
