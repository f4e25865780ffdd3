package io.tally.server;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code tally} command line. */
@Command(name = "tally", mixinStandardHelpOptions = true, version = "Tally 0.1.0",
        description = "Self-hosted event analytics: collect, transport through Kafka, store, query.",
        subcommands = {RunCommand.class, CollectorCommand.class, LoaderCommand.class, QueryCommand.class, ReplayRejectedCommand.class,
                SchemaCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    public static void main(String[] args) {
        System.exit(new CommandLine(new Main()).execute(args));
    }

    @Override
    public void run() {
        CommandLine.usage(this, System.out);
    }
}
