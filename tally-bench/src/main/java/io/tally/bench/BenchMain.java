package io.tally.bench;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code tally-bench}: end-to-end benchmarks, each with its baseline measured in the same run. */
@Command(name = "tally-bench", mixinStandardHelpOptions = true, version = "Tally bench 0.1.0",
        description = "End-to-end benchmarks of Tally, each with its baseline measured in the same run.",
        subcommands = {IngestBenchmark.class, FreshnessBenchmark.class, ClickHouseStorageBenchmark.class,
                ClickHouseLoadBenchmark.class, QueryBenchmark.class, ValidationBenchmark.class, DuckDbWriteBenchmark.class,
                CommandLine.HelpCommand.class})
public final class BenchMain implements Runnable {
    public static void main(String[] args) {
        System.exit(new CommandLine(new BenchMain()).execute(args));
    }

    @Override
    public void run() {
        CommandLine.usage(this, System.out);
    }
}
