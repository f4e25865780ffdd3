package io.tally.bench;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tally.core.event.Event;
import io.tally.core.spi.LogPartition;
import io.tally.kafka.KafkaEventLog;
import io.tally.kafka.KafkaEventSource;
import io.tally.kafka.KafkaSettings;
import io.tally.kafka.KafkaTopics;
import io.tally.loader.Loader;
import io.tally.loader.LoaderSettings;
import io.tally.store.clickhouse.ClickHouseEventStore;
import io.tally.store.clickhouse.ClickHouseSettings;
import io.tally.testing.TestingClickHouse;
import io.tally.testing.TestingKafka;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.StringJoiner;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Loader throughput into ClickHouse next to two baselines on the same servers, in one run.
 *
 * <p>The events topic is filled first through the collector's own {@link KafkaEventLog}, so the loader
 * reads exactly what it reads in production. Then, one after the other, each on an empty table of the
 * same DDL:
 * <ol>
 *   <li>Tally's loader, wired as {@code tally-server} wires it, from its start until the store's
 *       positions reach the topic's end offsets;</li>
 *   <li>the same rows POSTed as JSONEachRow in the loader's batch size, one request after another: the
 *       floor under any loader that inserts over HTTP;</li>
 *   <li>ClickHouse's own Kafka table engine with a materialized view, reading the same rows from a topic
 *       of their own on the same broker.</li>
 * </ol>
 * The baselines' rows are read back from the table the loader filled ({@code SELECT *}, as JSONEachRow),
 * so they are exactly the rows Tally stored, whatever the table's current design; the store's own row
 * encoder is not public.
 */
@Command(name = "clickhouse-load", mixinStandardHelpOptions = true,
        description = "Events/s of Tally's loader into ClickHouse next to a direct HTTP insert and ClickHouse's Kafka engine.")
final class ClickHouseLoadBenchmark implements Callable<Integer> {
    @Option(names = "--events", defaultValue = "2000000", description = "Events to load (default: ${DEFAULT-VALUE})")
    int events;

    @Option(names = "--spread", defaultValue = "P1D",
            description = "Event timestamps are spread over this time before now (default: ${DEFAULT-VALUE})")
    Duration spread;

    @Option(names = "--stall-timeout", defaultValue = "PT2M",
            description = "Give a phase up when nothing is stored for this long (default: ${DEFAULT-VALUE})")
    Duration stallTimeout;

    private static final long SEED = 2;
    private static final String ROWS_TOPIC = "bench.clickhouse-rows";
    private static final String ENGINE_GROUP = "bench-clickhouse-kafka-engine";
    private final LoaderSettings loaderSettings = LoaderSettings.defaults();
    private Instant end;

    @Override
    public Integer call() throws Exception {
        end = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        System.out.println("starting Kafka and ClickHouse...");
        TestingKafka kafka = TestingKafka.start();
        try (TestingClickHouse clickhouse = TestingClickHouse.start()) {
            logQueries(clickhouse);
            ClickHouseClient sql = new ClickHouseClient(clickhouse.httpUrl());
            System.out.println("ClickHouse " + sql.text("SELECT version()").strip() + ", Kafka at " + kafka.bootstrapServers());
            KafkaSettings kafkaSettings = KafkaSettings.defaults(kafka.bootstrapServers());
            KafkaTopics.ensure(kafkaSettings);
            produceEvents(kafkaSettings);

            double loader = loaderPhase(kafkaSettings, clickhouse, sql);
            String ddl = sql.text("SHOW CREATE TABLE tally.events FORMAT TabSeparatedRaw").strip();
            List<List<String>> columns = sql.select("SELECT name, type FROM system.columns WHERE database = 'tally'"
                    + " AND table = 'events' AND default_kind NOT IN ('MATERIALIZED', 'ALIAS')");
            Path dump = Files.createTempFile("tally-bench-dump", ".json.gz");
            Path rows = Files.createTempFile("tally-bench-rows", ".json.gz");
            try {
                System.out.println("reading the stored rows back for the baselines...");
                long count = sql.download("SELECT * FROM tally.events", "JSONEachRow", dump);
                interleave(dump, rows, (int) Math.max(1, count / loaderSettings.maxBatchEvents()));
                Files.delete(dump);
                System.out.printf("  %,d rows, %,d bytes gzipped%n", count, Files.size(rows));
                sql.execute("DROP DATABASE tally");
                awaitNoMerges(sql);

                double direct = directInsertPhase(sql, clickhouse, ddl, rows);
                sql.execute("DROP DATABASE bench_direct");
                awaitNoMerges(sql);

                String engine = kafkaEnginePhase(kafka, clickhouse, sql, ddl, columns, rows);
                printResults(loader, direct, engine);
            } finally {
                Files.deleteIfExists(dump);
                Files.deleteIfExists(rows);
            }
        } finally {
            kafka.close();
            // the test kit leaves the broker's directory for restart tests; here it is gigabytes of nothing
            TempDirectories.deleteQuietly(kafka.dataDir());
        }
        return 0;
    }

    /**
     * The query log tells where the store's time goes, statement by statement; the test kit's server has
     * it off. config.d and users.d next to the server's files are merged into them at start.
     */
    private static void logQueries(TestingClickHouse clickhouse) throws IOException {
        Path configD = Files.createDirectories(clickhouse.dir().resolve("config.d"));
        Files.writeString(configD.resolve("query_log.xml"), """
                <?xml version="1.0"?>
                <yandex>
                  <query_log><database>system</database><table>query_log</table>
                    <flush_interval_milliseconds>1000</flush_interval_milliseconds></query_log>
                </yandex>
                """);
        Path usersD = Files.createDirectories(clickhouse.dir().resolve("users.d"));
        Files.writeString(usersD.resolve("log_queries.xml"), """
                <?xml version="1.0"?>
                <yandex><profiles><default><log_queries>1</log_queries></default></profiles></yandex>
                """);
        clickhouse.restart();
    }

    /** Server-side time of the statements that finished since {@code since}, grouped by what they do. */
    private static void printStatementTimes(ClickHouseClient sql, long sinceEpochSecond, double phaseSeconds) {
        sql.execute("SYSTEM FLUSH LOGS");
        List<List<String>> rows = sql.select("SELECT extract(query, '^(INSERT INTO [^ \\n]+|SELECT [^ \\n]+(, [^ \\n]+)* FROM [^ \\n]+)') AS statement,"
                + " count(), sum(query_duration_ms), sum(written_rows) FROM system.query_log WHERE type = 2"
                + " AND event_time >= toDateTime(" + sinceEpochSecond + ") AND query NOT LIKE '%system.%'"
                + " GROUP BY statement ORDER BY sum(query_duration_ms) DESC");
        System.out.printf("  server-side time by statement during (a), of %.1f s:%n", phaseSeconds);
        System.out.println("  | statement | count | seconds | rows written (materialized views included) |");
        System.out.println("  |---|---|---|---|");
        for (List<String> r : rows) {
            System.out.printf("  | %s | %,d | %.1f | %,d |%n", r.get(0).isEmpty() ? "(other)" : r.get(0), Long.parseLong(r.get(1)),
                    Long.parseLong(r.get(2)) / 1e3, Long.parseLong(r.get(3)));
        }
    }

    private void printResults(double loader, double direct, String engine) {
        System.out.printf("%n| how | events | events/s | loader ÷ this |%n|---|---|---|---|%n");
        System.out.printf("| Tally loader (KafkaEventSource + Loader + ClickHouseEventStore) | %,d | %,.0f | |%n", events, loader);
        System.out.printf("| direct HTTP insert of the stored rows, JSONEachRow, %,d per request | %,d | %,.0f | %.2f |%n",
                loaderSettings.maxBatchEvents(), events, direct, loader / direct);
        if (engine.startsWith("not available")) {
            System.out.printf("| ClickHouse Kafka engine + materialized view | %,d | %s | |%n", events, engine);
        } else {
            double rate = Double.parseDouble(engine);
            System.out.printf("| ClickHouse Kafka engine + materialized view | %,d | %,.0f | %.2f |%n", events, rate, loader / rate);
        }
    }

    /** Through the collector's producer: same keys, same record bytes, same producer settings. */
    private void produceEvents(KafkaSettings settings) {
        System.out.printf("producing %,d events to %s through KafkaEventLog...%n", events, settings.eventsTopic());
        CollectorEvents source = CollectorEvents.historical(SEED, end, spread);
        long start = System.nanoTime();
        try (KafkaEventLog log = new KafkaEventLog(settings, new SimpleMeterRegistry())) {
            Progress progress = new Progress("  produced", events);
            for (int done = 0; done < events; ) {
                List<Event> batch = source.next(Math.min(5_000, events - done));
                log.append(batch, Duration.ofSeconds(60));
                done += batch.size();
                progress.update(done);
            }
        }
        System.out.printf("  done in %.0f s%n", (System.nanoTime() - start) / 1e9);
    }

    private double loaderPhase(KafkaSettings kafkaSettings, TestingClickHouse clickhouse, ClickHouseClient sql) throws Exception {
        Map<LogPartition, Long> endOffsets = endOffsets(kafkaSettings.bootstrapServers(), kafkaSettings.eventsTopic());
        ClickHouseSettings settings = ClickHouseSettings.of(clickhouse.httpUrl(), "tally")
                .withCredentials(clickhouse.user(), clickhouse.password());
        SimpleMeterRegistry metrics = new SimpleMeterRegistry();
        System.out.printf("(a) Tally's loader: %,d events in %d partitions, batches of up to %,d events / %d MiB / %d ms...%n",
                events, endOffsets.size(), loaderSettings.maxBatchEvents(), loaderSettings.maxBatchBytes() >> 20,
                loaderSettings.maxBatchDelay().toMillis());
        // a store of its own for watching, so that polling positions never waits on the loader's store lock
        try (ClickHouseEventStore store = new ClickHouseEventStore(settings, Clock.systemUTC());
             ClickHouseEventStore watcher = new ClickHouseEventStore(settings, Clock.systemUTC());
             Loader loader = new Loader(new KafkaEventSource(kafkaSettings, metrics), store, loaderSettings, Clock.systemUTC(), metrics)) {
            CpuMeter cpu = new CpuMeter().add("ClickHouse server", clickhouse.handle())
                    .add("bench JVM (loader, Kafka broker, progress polls)", ProcessHandle.current());
            long startSecond = Instant.now().getEpochSecond();
            cpu.start();
            long start = System.nanoTime();
            loader.start();
            Progress progress = new Progress("  stored", events);
            long stored = 0;
            long lastChange = System.nanoTime();
            while (true) {
                Map<LogPartition, Long> positions = watcher.positions(endOffsets.keySet());
                long now = positions.values().stream().mapToLong(Long::longValue).sum();
                if (endOffsets.entrySet().stream().allMatch(e -> positions.getOrDefault(e.getKey(), 0L) >= e.getValue())) {
                    break;
                }
                if (now != stored) {
                    stored = now;
                    lastChange = System.nanoTime();
                }
                if (System.nanoTime() - lastChange > stallTimeout.toNanos()) {
                    throw new IllegalStateException("the loader stored nothing for " + stallTimeout + " (at " + stored + " of " + events + ")");
                }
                progress.update(stored);
                // often enough for a run of minutes, rarely enough not to take the server from the loader
                Thread.sleep(500);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            var batches = metrics.get("tally.loader.batch.size").summary();
            var writes = metrics.get("tally.loader.batch.latency").timer();
            System.out.printf("  all %,d positions stored in %.1f s: %,.0f events/s; %,d batches of %,.0f events on average;"
                            + " ClickHouseEventStore.write took %.1f s of it%n", events, seconds, events / seconds,
                    batches.count(), batches.mean(), writes.totalTime(TimeUnit.SECONDS));
            System.out.print(cpu.stop(events).table("(a)"));
            printStatementTimes(sql, startSecond, seconds);
            System.out.printf("  events in the table: %,d%n", watcher.countEvents(CollectorEvents.PROJECT));
            return events / seconds;
        }
    }

    /**
     * Each request carries the loader's batch size, spread over the key range like a loader batch (see
     * {@link #interleave}), and waits for the one before, like the loader's single thread. Only the
     * requests are timed: reading the rows from the file is not part of inserting them.
     */
    private double directInsertPhase(ClickHouseClient sql, TestingClickHouse clickhouse, String ddl, Path rows) throws IOException {
        System.out.printf("(b) direct HTTP insert of the same rows, %,d per request...%n", loaderSettings.maxBatchEvents());
        sql.execute("CREATE DATABASE bench_direct");
        sql.execute(retarget(ddl, "bench_direct.events"));
        long nanos = 0;
        CpuMeter cpu = new CpuMeter().add("ClickHouse server", clickhouse.handle())
                .add("bench JVM (reads the rows from a gzip file, sends them)", ProcessHandle.current());
        cpu.start();
        Progress progress = new Progress("  inserted", events);
        try (BufferedReader in = gzipLines(rows)) {
            int done = 0;
            for (byte[] chunk = chunk(in, loaderSettings.maxBatchEvents()); chunk.length > 0; chunk = chunk(in, loaderSettings.maxBatchEvents())) {
                long t0 = System.nanoTime();
                sql.insertJsonEachRow("bench_direct.events", chunk);
                nanos += System.nanoTime() - t0;
                done += loaderSettings.maxBatchEvents();
                progress.update(Math.min(done, events));
            }
        }
        CpuMeter.Usage usage = cpu.stop(events);
        long count = sql.number("SELECT count() FROM bench_direct.events");
        System.out.printf("  %,d rows in %.1f s of requests: %,.0f events/s%n", count, nanos / 1e9, count / (nanos / 1e9));
        System.out.print(usage.table("(b), requests and reading the file"));
        return count / (nanos / 1e9);
    }

    /**
     * The dump comes in the table's sort order, so a run of it is one narrow key range: an easier insert
     * (nearly sorted, one partition) than a loader batch, which spans them all. Dealing every
     * {@code stride}-th row into the same group gives each request of the baseline a spread like the
     * loader's batches.
     */
    private static void interleave(Path in, Path out, int stride) throws IOException {
        Path groups = Files.createTempDirectory("tally-bench-groups");
        try {
            List<Writer> writers = new ArrayList<>(stride);
            for (int g = 0; g < stride; g++) {
                writers.add(gzipWriter(groups.resolve(g + ".json.gz"), 1 << 12));
            }
            try (BufferedReader lines = gzipLines(in)) {
                long n = 0;
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    Writer w = writers.get((int) (n++ % stride));
                    w.write(line);
                    w.write('\n');
                }
            } finally {
                for (Writer w : writers) {
                    w.close();
                }
            }
            try (Writer all = gzipWriter(out, 1 << 16)) {
                for (int g = 0; g < stride; g++) {
                    try (BufferedReader group = gzipLines(groups.resolve(g + ".json.gz"))) {
                        group.transferTo(all);
                    }
                }
            }
        } finally {
            TempDirectories.deleteQuietly(groups);
        }
    }

    private static Writer gzipWriter(Path file, int buffer) throws IOException {
        return new BufferedWriter(new OutputStreamWriter(new GZIPOutputStream(Files.newOutputStream(file), buffer),
                StandardCharsets.UTF_8), buffer);
    }

    private static BufferedReader gzipLines(Path file) throws IOException {
        return new BufferedReader(new InputStreamReader(new GZIPInputStream(Files.newInputStream(file), 1 << 16),
                StandardCharsets.UTF_8), 1 << 20);
    }

    /** Up to {@code lines} lines as one JSONEachRow body; empty at the end. */
    private static byte[] chunk(BufferedReader in, int lines) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(lines * 1500);
        String line;
        for (int n = 0; n < lines && (line = in.readLine()) != null; n++) {
            out.write(line.getBytes(StandardCharsets.UTF_8));
            out.write('\n');
        }
        return out.toByteArray();
    }

    /**
     * The rows go to a topic of their own, one row per record and keyed like Tally's, because the engine
     * parses a format (JSONEachRow) and not Tally's log records. The group's offsets are set to the start
     * before the engine joins: librdkafka would otherwise begin at the end and read nothing.
     *
     * @return events/s as text, or "not available: why"
     */
    private String kafkaEnginePhase(TestingKafka kafka, TestingClickHouse clickhouse, ClickHouseClient sql, String ddl,
                                    List<List<String>> columns, Path rows) throws Exception {
        System.out.printf("(c) ClickHouse's Kafka engine: producing the same rows to %s...%n", ROWS_TOPIC);
        int partitions = KafkaSettings.defaults(kafka.bootstrapServers()).partitions();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(ROWS_TOPIC, partitions, (short) 1))).all().get();
            produceRows(kafka.bootstrapServers(), rows);
            Map<TopicPartition, OffsetAndMetadata> start = new HashMap<>();
            for (int p = 0; p < partitions; p++) {
                start.put(new TopicPartition(ROWS_TOPIC, p), new OffsetAndMetadata(0));
            }
            admin.alterConsumerGroupOffsets(ENGINE_GROUP, start).all().get();
        }
        StringJoiner columnList = new StringJoiner(", ");
        StringJoiner names = new StringJoiner(", ");
        for (List<String> c : columns) {
            columnList.add("`" + c.get(0) + "` " + c.get(1));
            names.add("`" + c.get(0) + "`");
        }
        try {
            sql.execute("CREATE DATABASE bench_engine");
            sql.execute(retarget(ddl, "bench_engine.events"));
            sql.execute("CREATE TABLE bench_engine.events_queue (" + columnList + ") ENGINE = Kafka SETTINGS"
                    + " kafka_broker_list = '" + kafka.bootstrapServers() + "', kafka_topic_list = '" + ROWS_TOPIC + "',"
                    + " kafka_group_name = '" + ENGINE_GROUP + "', kafka_format = 'JSONEachRow', kafka_row_delimiter = '\\n',"
                    + " kafka_num_consumers = 1");
        } catch (RuntimeException e) {
            return notAvailable(e.getMessage());
        }
        CpuMeter cpu = new CpuMeter().add("ClickHouse server (the engine and the view)", clickhouse.handle())
                .add("bench JVM (Kafka broker, count polls)", ProcessHandle.current());
        cpu.start();
        long start = System.nanoTime();
        try {
            sql.execute("CREATE MATERIALIZED VIEW bench_engine.events_mv TO bench_engine.events AS SELECT " + names
                    + " FROM bench_engine.events_queue");
            System.out.println("  materialized view created: the engine starts consuming");
            Progress progress = new Progress("  in the table", events);
            long count = 0;
            long lastChange = System.nanoTime();
            while (count < events) {
                Thread.sleep(250);
                long now = sql.number("SELECT count() FROM bench_engine.events");
                if (now != count) {
                    count = now;
                    lastChange = System.nanoTime();
                }
                if (System.nanoTime() - lastChange > stallTimeout.toNanos()) {
                    return notAvailable("stalled at " + count + " of " + events + " rows for " + stallTimeout
                            + "; server errors: " + lastErrors(clickhouse));
                }
                progress.update(count);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf("  %,d rows in %.1f s: %,.0f events/s%n", count, seconds, events / seconds);
            System.out.print(cpu.stop(events).table("(c)"));
            return String.valueOf(events / seconds);
        } finally {
            // the view first: without it the engine stops consuming
            sql.execute("DROP TABLE IF EXISTS bench_engine.events_mv");
            sql.execute("DROP TABLE IF EXISTS bench_engine.events_queue");
        }
    }

    /** One row per record; without keys, the producer spreads them over the partitions in batches. */
    private void produceRows(String bootstrap, Path rows) throws IOException {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        AtomicReference<Exception> failure = new AtomicReference<>();
        Progress progress = new Progress("  produced", events);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p); BufferedReader in = gzipLines(rows)) {
            int done = 0;
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                producer.send(new ProducerRecord<>(ROWS_TOPIC, line.getBytes(StandardCharsets.UTF_8)), (m, error) -> {
                    if (error != null) {
                        failure.compareAndSet(null, error);
                    }
                });
                progress.update(++done);
            }
            producer.flush();
        }
        if (failure.get() != null) {
            throw new IllegalStateException("producing the rows failed", failure.get());
        }
    }

    private static String notAvailable(String reason) {
        String text = "not available: " + reason.strip().replaceAll("\\s+", " ");
        System.out.println("  " + text);
        return text;
    }

    private static String lastErrors(TestingClickHouse clickhouse) {
        String tail = clickhouse.logTail();
        int errors = tail.indexOf("--- server.err.log");
        return errors < 0 ? tail : tail.substring(errors);
    }

    /** The DDL read from the server, for another database.table. */
    private static String retarget(String ddl, String table) {
        return ddl.replaceFirst("^CREATE TABLE \\S+", "CREATE TABLE " + table);
    }

    private static Map<LogPartition, Long> endOffsets(String bootstrap, String topic) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            int partitions = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().size();
            Map<TopicPartition, OffsetSpec> request = new HashMap<>();
            for (int p = 0; p < partitions; p++) {
                request.put(new TopicPartition(topic, p), OffsetSpec.latest());
            }
            return admin.listOffsets(request).all().get().entrySet().stream().collect(Collectors.toMap(
                    e -> new LogPartition(topic, e.getKey().partition()), e -> e.getValue().offset()));
        }
    }

    /** A merge left over from the phase before would take CPU from the next. */
    private static void awaitNoMerges(ClickHouseClient sql) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (System.nanoTime() < deadline && sql.number("SELECT count() FROM system.merges") > 0) {
            Thread.sleep(200);
        }
    }

    /** Prints a count and its rate at most every 5 s. */
    private static final class Progress {
        private final String label;
        private final long total;
        private final long start = System.nanoTime();
        private long lastPrint = start;

        Progress(String label, long total) {
            this.label = label;
            this.total = total;
        }

        void update(long done) {
            long now = System.nanoTime();
            if (now - lastPrint >= 5_000_000_000L || done == total) {
                lastPrint = now;
                double seconds = (now - start) / 1e9;
                System.out.printf("%s %,d of %,d (%.0f s, %,.0f/s)%n", label, done, total, seconds, done / seconds);
            }
        }
    }
}
