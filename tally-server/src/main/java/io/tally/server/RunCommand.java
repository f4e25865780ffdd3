package io.tally.server;

import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tally run}: starts the roles of this process and serves until Ctrl-C. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Runs Tally: the collector, the loader and the query API.",
                "",
                "With no options everything runs in this JVM, with an embedded Kafka broker, storing into DuckDB under "
                        + "the data directory. The default project's keys can be fixed with TALLY_DEFAULT_WRITE_KEY and "
                        + "TALLY_DEFAULT_READ_KEY.",
                ""})
final class RunCommand extends ServeCommand {

    @Option(names = "--roles", defaultValue = "collector,loader,query",
            description = "Roles of this process, comma-separated (default: ${DEFAULT-VALUE})")
    String roles;

    @Override
    Set<Role> roles() {
        return Role.parse(roles);
    }

    @Override
    String commandName() {
        return "tally run";
    }
}
