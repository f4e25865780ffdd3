package io.tally.server;

import java.util.EnumSet;
import java.util.Set;
import picocli.CommandLine.Command;

/** {@code tally collector}: this process runs the collector role only. */
@Command(name = "collector", mixinStandardHelpOptions = true,
        description = {"Runs the collector alone: the Segment-compatible HTTP endpoints that validate events and hand them to Kafka.",
                "",
                "Run any number behind a load balancer, all with the same --kafka. Without --kafka an embedded broker "
                        + "runs in this JVM, which only makes sense for trying it out.",
                ""})
final class CollectorCommand extends ServeCommand {

    @Override
    Set<Role> roles() {
        return EnumSet.of(Role.COLLECTOR);
    }

    @Override
    String commandName() {
        return "tally collector";
    }
}
