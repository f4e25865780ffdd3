package io.tally.server;

import java.util.EnumSet;
import java.util.Set;
import picocli.CommandLine.Command;

/** {@code tally loader}: this process runs the loader role only. */
@Command(name = "loader", mixinStandardHelpOptions = true,
        description = {"Runs the loader alone: reads events from Kafka in batches and writes them to the store.",
                "",
                "Run up to one per partition of the events topic, all with the same --kafka and store options; Kafka's "
                        + "consumer group shares the partitions between them. Usually with --store clickhouse: a DuckDB "
                        + "file can be open in one process only.",
                ""})
final class LoaderCommand extends ServeCommand {

    @Override
    Set<Role> roles() {
        return EnumSet.of(Role.LOADER);
    }

    @Override
    String commandName() {
        return "tally loader";
    }
}
