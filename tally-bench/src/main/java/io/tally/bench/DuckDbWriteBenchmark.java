package io.tally.bench;

import io.tally.core.event.Event;
import io.tally.store.duckdb.DuckDbEventStore;
import io.tally.store.duckdb.DuckDbSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * How long one loader write into DuckDB takes, batch after batch, with the loader's store and the
 * collector's events: the typical write, and the stops when DuckDB checkpoints. The events of every
 * batch are made before its write is timed, so the numbers are the store's alone.
 */
@Command(name = "duckdb-writes", mixinStandardHelpOptions = true,
        description = {"Times DuckDbEventStore.write batch after batch on a fresh file: p50, p99 and every write slower "
                + "than --report-over (DuckDB's checkpoints), with and without hot properties."})
final class DuckDbWriteBenchmark implements Callable<Integer> {
    @Option(names = "--batches", defaultValue = "500", description = "Batches to write (default: ${DEFAULT-VALUE})")
    int batches;

    @Option(names = "--batch", defaultValue = "1000", description = "Events per batch (default: ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--checkpoint-threshold", defaultValue = DuckDbSettings.DEFAULT_CHECKPOINT_THRESHOLD,
            description = "DuckDB's checkpoint threshold (default: ${DEFAULT-VALUE}, the store's)")
    String checkpointThreshold;

    @Option(names = "--row-group-size", defaultValue = "" + DuckDbSettings.DEFAULT_ROW_GROUP_SIZE,
            description = "Rows per DuckDB row group, 0 for DuckDB's own default (default: ${DEFAULT-VALUE}, the store's)")
    int rowGroupSize;

    @Option(names = "--hot-properties", split = ",", paramLabel = "KEY",
            description = "Event properties kept as columns (Tally's --hot-properties), e.g. plan. Default: none")
    List<String> hotProperties = List.of();

    @Option(names = "--report-over", defaultValue = "PT0.15S", description = "Print every write slower than this (default: ${DEFAULT-VALUE})")
    Duration reportOver;

    @Override
    public Integer call() throws Exception {
        Path dir = Files.createTempDirectory("tally-duckdb-writes");
        DuckDbSettings settings = new DuckDbSettings(dir.resolve("writes.duckdb"), null, 0, checkpointThreshold, rowGroupSize, hotProperties);
        CollectorEvents events = CollectorEvents.historical(7, Instant.parse("2026-11-01T00:00:00Z"), Duration.ofDays(1));
        long[] millis = new long[batches];
        try (DuckDbEventStore store = new DuckDbEventStore(settings, Clock.systemUTC())) {
            for (int i = 0; i < batches; i++) {
                List<Event> next = events.next(batch);
                long started = System.nanoTime();
                store.write(next, Map.of());
                millis[i] = (System.nanoTime() - started) / 1_000_000;
                if (millis[i] > reportOver.toMillis()) {
                    System.out.printf("  write %d (%,d events stored): %,d ms%n", i + 1, (long) (i + 1) * batch, millis[i]);
                }
            }
        } finally {
            TempDirectories.deleteQuietly(dir);
        }
        List<Double> writes = Arrays.stream(millis).mapToDouble(ms -> ms).boxed().toList();
        System.out.printf("%n| checkpoint threshold | row group | hot properties | writes of %,d events | p50 | p99 | max | total |%n", batch);
        System.out.printf("|---|---|---|---|---|---|---|---|%n");
        System.out.printf("| %s | %s | %s | %,d | %,d ms | %,d ms | %,d ms | %,d ms |%n", checkpointThreshold,
                rowGroupSize == 0 ? "122,880 (DuckDB's)" : String.format("%,d", rowGroupSize),
                hotProperties.isEmpty() ? "none" : String.join(",", hotProperties), batches,
                Math.round(Stats.percentile(writes, 50)), Math.round(Stats.percentile(writes, 99)),
                Math.round(Stats.percentile(writes, 100)), Arrays.stream(millis).sum());
        return 0;
    }
}
