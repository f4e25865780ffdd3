package io.tally.server;

import java.util.EnumSet;
import java.util.Set;
import picocli.CommandLine.Command;

/** {@code tally query}: this process runs the query role only. */
@Command(name = "query", mixinStandardHelpOptions = true,
        description = {"Runs the query API alone: trends and the other questions over the store.",
                "",
                "Run any number against the same store, usually --store clickhouse: a DuckDB file can be open in one "
                        + "process only.",
                ""})
final class QueryCommand extends ServeCommand {

    @Override
    Set<Role> roles() {
        return EnumSet.of(Role.QUERY);
    }

    @Override
    String commandName() {
        return "tally query";
    }
}
