package io.tally.bench;

import io.tally.core.event.Event;
import io.tally.store.clickhouse.ClickHouseEventStore;
import io.tally.store.clickhouse.ClickHouseSettings;
import io.tally.testing.TestingClickHouse;
import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Bytes per event on disk: Tally's ClickHouse tables next to the same events in a plain PostgreSQL
 * table, in one run.
 *
 * <p>Every batch goes to both: through {@code ClickHouseEventStore.write} (so the tables are exactly what
 * the loader makes) and through {@code COPY} into PostgreSQL. ClickHouse's parts are then merged as far
 * as they go ({@code OPTIMIZE ... FINAL}), as they end up after a quiet while, and PostgreSQL gets its
 * primary key and a {@code VACUUM ANALYZE}. Finally the same ClickHouse parts are rewritten with zstd
 * (18.16 can only choose it server-wide, in the config) to show what the codec alone would give.
 */
@Command(name = "clickhouse-storage", mixinStandardHelpOptions = true,
        description = "Bytes per event on disk in ClickHouse (Tally's tables) next to the same events in PostgreSQL.")
final class ClickHouseStorageBenchmark implements Callable<Integer> {
    @Option(names = "--events", defaultValue = "1000000", description = "Events to store (default: ${DEFAULT-VALUE})")
    int events;

    @Option(names = "--batch", defaultValue = "50000", description = "Events per ClickHouseEventStore.write (default: ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--spread", defaultValue = "P1D",
            description = "Event timestamps are spread over this time before now (default: ${DEFAULT-VALUE})")
    Duration spread;

    private static final String DATABASE = "tally";

    /** The columns Tally stores, typed as one would in PostgreSQL: JSON as jsonb, instants as timestamptz. */
    private static final String POSTGRES_TABLE = """
            CREATE TABLE events (
                project            text        NOT NULL,
                message_id         text        NOT NULL,
                type               text        NOT NULL,
                event              text        NOT NULL,
                distinct_id        text        NOT NULL,
                user_id            text,
                anonymous_id       text,
                timestamp          timestamptz NOT NULL,
                received_at        timestamptz NOT NULL,
                sent_at            timestamptz,
                original_timestamp timestamptz,
                name               text,
                group_id           text,
                previous_id        text,
                properties         jsonb       NOT NULL,
                traits             jsonb       NOT NULL,
                context            jsonb       NOT NULL,
                ip                 text,
                user_agent         text,
                loaded_at          timestamptz NOT NULL
            )""";

    @Override
    public Integer call() throws Exception {
        Instant end = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        System.out.println("starting ClickHouse and PostgreSQL...");
        try (TestingClickHouse clickhouse = TestingClickHouse.start(); PostgresServer postgres = PostgresServer.start()) {
            ClickHouseClient sql = new ClickHouseClient(clickhouse.httpUrl());
            System.out.println("ClickHouse " + sql.text("SELECT version()").strip() + " in " + clickhouse.dir());
            System.out.println(postgres.sql("SELECT version()"));
            postgres.sql(POSTGRES_TABLE);
            load(clickhouse, postgres, end);

            System.out.println("ClickHouse: OPTIMIZE TABLE ... FINAL of every table (one part per partition)...");
            long optimizeStart = System.nanoTime();
            optimizeAll(sql);
            System.out.printf("  done in %.0f s%n", (System.nanoTime() - optimizeStart) / 1e9);
            Map<String, long[]> lz4 = tableBytes(sql);
            Map<String, List<List<String>>> columns = columnBytes(sql);

            System.out.println("PostgreSQL: primary key (project, message_id), VACUUM ANALYZE...");
            long pkStart = System.nanoTime();
            postgres.sql("ALTER TABLE events ADD PRIMARY KEY (project, message_id)");
            postgres.sql("VACUUM ANALYZE events");
            System.out.printf("  done in %.0f s%n", (System.nanoTime() - pkStart) / 1e9);
            long pgRows = postgres.number("SELECT count(*) FROM events");
            long pgTotal = postgres.number("SELECT pg_total_relation_size('events')");
            long pgHeap = postgres.number("SELECT pg_relation_size('events')");
            long pgToast = postgres.number("SELECT pg_table_size('events') - pg_relation_size('events')");
            long pgIndexes = postgres.number("SELECT pg_indexes_size('events')");

            System.out.println("ClickHouse: rewriting the same parts with zstd (server-wide <compression>), for comparison...");
            useZstd(clickhouse);
            optimizeAll(sql);
            Map<String, long[]> zstd = tableBytes(sql);
            Map<String, List<List<String>>> zstdColumns = columnBytes(sql);

            printResults(lz4, zstd, pgRows, pgTotal, pgHeap, pgToast, pgIndexes);
            printColumns(columns, zstdColumns, lz4.get("events")[1]);
        }
        return 0;
    }

    private void load(TestingClickHouse clickhouse, PostgresServer postgres, Instant end) throws IOException {
        ClickHouseSettings settings = ClickHouseSettings.of(clickhouse.httpUrl(), DATABASE)
                .withCredentials(clickhouse.user(), clickhouse.password());
        CollectorEvents source = CollectorEvents.historical(1, end, spread);
        long start = System.nanoTime();
        long chNanos = 0;
        long pgNanos = 0;
        try (ClickHouseEventStore store = new ClickHouseEventStore(settings, Clock.systemUTC());
             PostgresServer.CopyIn copy = postgres.copyIn("COPY events FROM STDIN (FORMAT csv)")) {
            Writer csv = copy.input();
            for (int done = 0; done < events; ) {
                List<Event> next = source.next(Math.min(batch, events - done));
                long t0 = System.nanoTime();
                store.write(next, Map.of());
                long t1 = System.nanoTime();
                Instant loadedAt = Instant.now();
                for (Event e : next) {
                    writeCsv(csv, e, loadedAt);
                }
                chNanos += t1 - t0;
                pgNanos += System.nanoTime() - t1;
                done += next.size();
                System.out.printf("  %,d of %,d events written to both (%.0f s; ClickHouse %.0f s, COPY stream %.0f s)%n",
                        done, events, (System.nanoTime() - start) / 1e9, chNanos / 1e9, pgNanos / 1e9);
            }
            System.out.println("  committing the COPY...");
        }
    }

    /** CSV as COPY reads it: every value quoted, an unquoted empty field is NULL. */
    private static void writeCsv(Writer out, Event e, Instant loadedAt) throws IOException {
        Object[] values = {e.project(), e.messageId(), e.type().wireName(), e.event(), e.distinctId(), e.userId(),
                e.anonymousId(), e.timestamp(), e.receivedAt(), e.sentAt(), e.originalTimestamp(), e.name(), e.groupId(),
                e.previousId(), e.properties(), e.traits(), e.context(), e.ip(), e.userAgent(), loadedAt};
        for (int i = 0; i < values.length; i++) {
            if (i > 0) {
                out.write(',');
            }
            if (values[i] != null) {
                out.write('"');
                out.write(values[i].toString().replace("\"", "\"\""));
                out.write('"');
            }
        }
        out.write('\n');
    }

    /** FINAL merges even a partition that is already one part, which is what rewrites the parts after a codec change. */
    private static void optimizeAll(ClickHouseClient sql) {
        for (List<String> t : sql.select("SELECT DISTINCT table FROM system.parts WHERE active AND database = '"
                + DATABASE + "' ORDER BY table")) {
            sql.execute("OPTIMIZE TABLE " + DATABASE + "." + t.get(0) + " FINAL");
        }
    }

    /** Per table: bytes on disk, rows, compressed and uncompressed column data. */
    private static Map<String, long[]> tableBytes(ClickHouseClient sql) {
        Map<String, long[]> tables = new LinkedHashMap<>();
        for (List<String> row : sql.select("SELECT table, sum(bytes_on_disk), sum(rows), sum(data_compressed_bytes),"
                + " sum(data_uncompressed_bytes), count() FROM system.parts WHERE active AND database = '" + DATABASE
                + "' GROUP BY table ORDER BY sum(bytes_on_disk) DESC")) {
            tables.put(row.get(0), new long[] {Long.parseLong(row.get(1)), Long.parseLong(row.get(2)),
                    Long.parseLong(row.get(3)), Long.parseLong(row.get(4)), Long.parseLong(row.get(5))});
        }
        return tables;
    }

    /** The two tables that grow with every event; the rollups grow with hours and event names only. */
    private static Map<String, List<List<String>>> columnBytes(ClickHouseClient sql) {
        Map<String, List<List<String>>> tables = new LinkedHashMap<>();
        for (String table : List.of("events", "stored_ids")) {
            tables.put(table, sql.select("SELECT name, type, data_compressed_bytes, data_uncompressed_bytes, marks_bytes"
                    + " FROM system.columns WHERE database = '" + DATABASE + "' AND table = '" + table + "'"
                    + " ORDER BY data_compressed_bytes DESC"));
        }
        return tables;
    }

    /** ClickHouse merges config.d/*.xml next to its config file into it at start. */
    private static void useZstd(TestingClickHouse clickhouse) throws IOException {
        Path configD = clickhouse.dir().resolve("config.d");
        Files.createDirectories(configD);
        Files.writeString(configD.resolve("zstd.xml"), """
                <?xml version="1.0"?>
                <yandex>
                  <compression>
                    <case>
                      <min_part_size>0</min_part_size>
                      <min_part_size_ratio>0</min_part_size_ratio>
                      <method>zstd</method>
                    </case>
                  </compression>
                </yandex>
                """);
        clickhouse.restart();
    }

    private void printResults(Map<String, long[]> lz4, Map<String, long[]> zstd, long pgRows, long pgTotal, long pgHeap,
                              long pgToast, long pgIndexes) {
        long[] events = lz4.get("events");
        long chAll = lz4.values().stream().mapToLong(t -> t[0]).sum();
        long chAllZstd = zstd.values().stream().mapToLong(t -> t[0]).sum();
        System.out.printf("%nClickHouse tables after OPTIMIZE FINAL (LZ4, the server default):%n");
        System.out.println("| table | rows | parts | bytes on disk | column data compressed | uncompressed | bytes/event |");
        System.out.println("|---|---|---|---|---|---|---|");
        lz4.forEach((table, t) -> System.out.printf("| %s | %,d | %,d | %,d | %,d | %,d | %.1f |%n",
                table, t[1], t[4], t[0], t[2], t[3], (double) t[0] / events[1]));
        System.out.printf("PostgreSQL: %,d rows; heap %,d + TOAST/maps %,d + primary key %,d = %,d bytes%n",
                pgRows, pgHeap, pgToast, pgIndexes, pgTotal);

        double pgPerEvent = (double) pgTotal / pgRows;
        System.out.printf("%n| engine | events | bytes on disk | bytes/event | PostgreSQL ÷ this |%n|---|---|---|---|---|%n");
        row("PostgreSQL 15: table + TOAST + primary key", pgRows, pgTotal, pgPerEvent);
        row("ClickHouse: events table (LZ4)", events[1], events[0], pgPerEvent);
        row("ClickHouse: all Tally tables (LZ4)", events[1], chAll, pgPerEvent);
        row("ClickHouse: events table (zstd)", events[1], zstd.get("events")[0], pgPerEvent);
        row("ClickHouse: all Tally tables (zstd)", events[1], chAllZstd, pgPerEvent);
    }

    private static void row(String engine, long rows, long bytes, double pgPerEvent) {
        double perEvent = (double) bytes / rows;
        System.out.printf("| %s | %,d | %,d | %.1f | %.1f× |%n", engine, rows, bytes, perEvent, pgPerEvent / perEvent);
    }

    private static void printColumns(Map<String, List<List<String>>> lz4Tables, Map<String, List<List<String>>> zstdTables, long rows) {
        lz4Tables.forEach((table, lz4) -> printColumns(table, lz4, zstdTables.get(table), rows));
    }

    private static void printColumns(String table, List<List<String>> lz4, List<List<String>> zstd, long rows) {
        Map<String, Long> zstdBytes = new LinkedHashMap<>();
        zstd.forEach(c -> zstdBytes.put(c.get(0), Long.parseLong(c.get(2))));
        System.out.printf("%nClickHouse %s table by column (system.columns, after OPTIMIZE FINAL):%n", table);
        System.out.println("| column | type | compressed LZ4 | uncompressed | ratio | LZ4 bytes/event | zstd bytes/event | marks |");
        System.out.println("|---|---|---|---|---|---|---|---|");
        for (List<String> c : lz4) {
            long compressed = Long.parseLong(c.get(2));
            long uncompressed = Long.parseLong(c.get(3));
            System.out.printf("| %s | %s | %,d | %,d | %.1f | %.2f | %.2f | %,d |%n", c.get(0), c.get(1), compressed, uncompressed,
                    compressed == 0 ? 0.0 : (double) uncompressed / compressed, (double) compressed / rows,
                    (double) zstdBytes.getOrDefault(c.get(0), 0L) / rows, Long.parseLong(c.get(4)));
        }
    }
}
