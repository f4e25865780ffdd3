package io.tally.bench;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Sustained ingest over HTTP next to the raw Kafka producer on the same broker, in one run.
 *
 * <p>Phase 1: {@code --threads} clients post batches of {@code --batch} ~1 KB events to the collector of a
 * real embedded Tally (collector, loader and query all running) for {@code --duration}. Phase 2, once
 * the loader has caught up: a plain KafkaProducer with the collector's durability settings (acks=all,
 * idempotent, lz4) sends the same kind of records, generated the same way, to the same broker.
 */
@Command(name = "ingest", mixinStandardHelpOptions = true,
        description = "Events/s over HTTP next to the raw Kafka producer rate on the same broker.")
final class IngestBenchmark implements Callable<Integer> {
    @Option(names = "--duration", defaultValue = "PT60S", description = "Measured time per phase (default: ${DEFAULT-VALUE})")
    Duration duration;

    @Option(names = "--warmup", defaultValue = "PT30S", description = "Unmeasured time before each phase (default: ${DEFAULT-VALUE})")
    Duration warmup;

    // 8 clients left a third of the cores idle: each waits for Kafka's acknowledgement (linger included)
    // before its next batch, so the rate was bound by latency, not by the server (measured 2026-11-29)
    @Option(names = "--threads", defaultValue = "32", description = "Concurrent HTTP clients (default: ${DEFAULT-VALUE})")
    int threads;

    @Option(names = "--batch", defaultValue = "100", description = "Events per request (default: ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--heap", defaultValue = "-Xmx1g", description = "Heap option of the server JVM (default: ${DEFAULT-VALUE})")
    String heap;

    @Option(names = "--roles", defaultValue = "collector,loader,query",
            description = "Roles of the server under test (default: ${DEFAULT-VALUE}: the whole embedded server)")
    String roles;

    @Override
    public Integer call() throws Exception {
        try (BenchServer server = BenchServer.start(heap, "--roles", roles)) {
            Phase http = httpPhase(server);
            double lagAfterHttp = server.metric("tally_loader_lag_events");
            System.out.println("waiting for the loader to catch up before the baseline...");
            long catchUpStart = System.nanoTime();
            server.awaitLoaderCaughtUp(Duration.ofMinutes(5));
            double catchUpSeconds = (System.nanoTime() - catchUpStart) / 1e9;
            Phase raw = rawProducerPhase(server);
            System.out.printf("%n| measure | events/s | µs of CPU per event, all processes |%n|---|---|---|%n"
                            + "| HTTP ingest, batches of %d, %d clients | %,.0f | %.2f |%n"
                            + "| raw Kafka producer, same records and broker | %,.0f | %.2f |%n| ratio | %.2f | |%n",
                    batch, threads, http.rate(), http.cpu().totalMicrosPerEvent(), raw.rate(), raw.cpu().totalMicrosPerEvent(),
                    http.rate() / raw.rate());
            // with the cores full in both phases, rates stand in the inverse ratio of CPU per event
            System.out.printf("CPU bound on the ratio: %.2f (raw CPU per event ÷ HTTP CPU per event)%n",
                    raw.cpu().totalMicrosPerEvent() / http.cpu().totalMicrosPerEvent());
            if (roles.contains("loader")) {
                System.out.printf("loader lag when the HTTP phase ended: %,.0f events, loaded in %.0f s with no other load: %,.0f events/s%n",
                        lagAfterHttp, catchUpSeconds, lagAfterHttp / catchUpSeconds);
            }
        }
        return 0;
    }

    /** A phase's rate and what it cost in CPU. */
    record Phase(double rate, CpuMeter.Usage cpu) {
    }

    /** Posts batches from {@code --threads} clients for the warm-up and then the measured time; returns accepted events/s and the CPU used. */
    Phase httpPhase(BenchServer server) throws InterruptedException {
        AtomicLong accepted = new AtomicLong();
        AtomicLong failures = new AtomicLong();
        AtomicBoolean running = new AtomicBoolean(true);
        List<Thread> clients = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            EventFactory events = new EventFactory(t, "http" + t);
            Thread client = new Thread(() -> {
                try (LeanHttpClient http = new LeanHttpClient(URI.create(server.url()), "/v1/batch", BenchServer.AUTH)) {
                    while (running.get()) {
                        byte[] body = events.batch(batch);
                        try {
                            if (http.post(body) == 200) {
                                accepted.addAndGet(batch);
                            } else {
                                failures.incrementAndGet();
                            }
                        } catch (Exception e) {
                            failures.incrementAndGet();
                        }
                    }
                }
            }, "bench-http-" + t);
            clients.add(client);
            client.start();
        }
        CpuMeter cpu = new CpuMeter().add("server JVM (Tally and its broker)", server.handle())
                .add("bench JVM (HTTP clients)", ProcessHandle.current());
        Phase phase = measure("HTTP ingest", accepted, cpu);
        running.set(false);
        for (Thread c : clients) {
            c.join();
        }
        System.out.println("HTTP requests not answered 200: " + failures.get());
        return phase;
    }

    private Phase rawProducerPhase(BenchServer server) throws Exception {
        String bootstrap = server.kafka();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            admin.createTopics(List.of(new NewTopic("bench.raw", 4, (short) 1))).all().get();
        }
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        AtomicLong acked = new AtomicLong();
        AtomicBoolean running = new AtomicBoolean(true);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
            List<Thread> senders = new ArrayList<>();
            for (int t = 0; t < 2; t++) {
                EventFactory events = new EventFactory(100 + t, "raw" + t);
                Thread sender = new Thread(() -> {
                    int n = 0;
                    while (running.get()) {
                        byte[] value = events.event();
                        byte[] key = ("default:user-" + (n++ % 100_000)).getBytes(StandardCharsets.UTF_8);
                        producer.send(new ProducerRecord<>("bench.raw", key, value), (m, e) -> {
                            if (e == null) {
                                acked.incrementAndGet();
                            }
                        });
                    }
                }, "bench-raw-" + t);
                senders.add(sender);
                sender.start();
            }
            CpuMeter cpu = new CpuMeter().add("server JVM (broker; the roles idle)", server.handle())
                    .add("bench JVM (producer)", ProcessHandle.current());
            Phase phase = measure("raw Kafka producer", acked, cpu);
            running.set(false);
            for (Thread s : senders) {
                s.join();
            }
            return phase;
        }
    }

    /** Waits out the warm-up, then counts for the measured duration, printing progress every 5 s and the CPU used at the end. */
    private Phase measure(String phase, AtomicLong counter, CpuMeter cpu) throws InterruptedException {
        System.out.println(phase + ": warming up for " + warmup.toSeconds() + " s...");
        Thread.sleep(warmup.toMillis());
        long startCount = counter.get();
        cpu.start();
        long start = System.nanoTime();
        long end = start + duration.toNanos();
        while (System.nanoTime() < end) {
            Thread.sleep(Math.min(5_000, Math.max(1, (end - System.nanoTime()) / 1_000_000)));
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf("  %s: %.0f s, %,.0f events/s%n", phase, seconds, (counter.get() - startCount) / seconds);
        }
        long counted = counter.get() - startCount;
        double rate = counted / ((System.nanoTime() - start) / 1e9);
        CpuMeter.Usage usage = cpu.stop(counted);
        System.out.print(usage.table(phase));
        return new Phase(rate, usage);
    }
}
