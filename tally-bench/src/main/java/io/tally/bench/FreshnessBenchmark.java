package io.tally.bench;

import io.tally.testing.TallyProcess;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Event-to-queryable latency under a steady load. Background traffic runs at {@code --rate} events/s;
 * once a second a probe event with a name of its own is sent, and the query API is asked every 25 ms
 * until it counts the probe. The probe's latency is from sending it to the first answer that counts it,
 * so it includes the HTTP round trips and the query itself.
 */
@Command(name = "freshness", mixinStandardHelpOptions = true,
        description = "Event-to-queryable latency (p50, p99) at a steady rate, server inside the given heap.")
final class FreshnessBenchmark implements Callable<Integer> {
    @Option(names = "--rate", defaultValue = "5000", description = "Background events/s (default: ${DEFAULT-VALUE})")
    int rate;

    @Option(names = "--duration", defaultValue = "PT60S", description = "How long to probe (default: ${DEFAULT-VALUE})")
    Duration duration;

    @Option(names = "--warmup", defaultValue = "PT30S",
            description = "Load and uncounted probes before measuring, for the JIT and the loader's start (default: ${DEFAULT-VALUE})")
    Duration warmup;

    @Option(names = "--batch", defaultValue = "100", description = "Events per background request (default: ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--heap", defaultValue = "-Xmx1g", description = "Heap option of the server JVM (default: ${DEFAULT-VALUE})")
    String heap;

    @Override
    public Integer call() throws Exception {
        try (BenchServer server = BenchServer.start(heap)) {
            AtomicLong sent = new AtomicLong();
            AtomicLong failures = new AtomicLong();
            ScheduledExecutorService load = Executors.newScheduledThreadPool(2);
            EventFactory events = new EventFactory(7, "fresh");
            long periodMicros = 1_000_000L * batch / rate;
            load.scheduleAtFixedRate(() -> {
                byte[] body;
                synchronized (events) {
                    body = events.batch(batch);
                }
                server.http().sendAsync(post(server, "/v1/batch", body), HttpResponse.BodyHandlers.discarding())
                        .whenComplete((r, e) -> {
                            if (e == null && r.statusCode() == 200) {
                                sent.addAndGet(batch);
                            } else {
                                failures.incrementAndGet();
                            }
                        });
            }, 0, periodMicros, TimeUnit.MICROSECONDS);
            // the warm-up sends probes too, uncounted: the first queries of a fresh JVM are compiled as they
            // run, and they would otherwise be the slowest probes of every run
            System.out.println("background load at " + rate + " events/s; warming up for " + warmup.toSeconds() + " s (probes not counted)...");
            long warmUpStart = System.nanoTime();
            for (int i = 1; System.nanoTime() - warmUpStart < warmup.toNanos(); i++) {
                probeInItsSecond(server, "warm-up probe " + i, "warmup_" + i);
            }
            long startSent = sent.get();
            long start = System.nanoTime();
            List<Double> latencies = Collections.synchronizedList(new ArrayList<>());
            for (int i = 1; System.nanoTime() - start < duration.toNanos(); i++) {
                latencies.add(probeInItsSecond(server, "probe " + i, "probe_" + i));
            }
            double achieved = (sent.get() - startSent) / ((System.nanoTime() - start) / 1e9);
            load.shutdownNow();
            System.out.printf("%n| measure | value |%n|---|---|%n| background rate achieved | %,.0f events/s |%n"
                            + "| probes | %d |%n| event-to-queryable p50 | %.0f ms |%n| event-to-queryable p99 | %.0f ms |%n"
                            + "| event-to-queryable max | %.0f ms |%n| server-side freshness p99 (received to committed) | %.0f ms |%n"
                            + "| server heap used at end | %.0f MB |%n| background requests not answered 200 | %d |%n",
                    achieved, latencies.size(), Stats.percentile(latencies, 50), Stats.percentile(latencies, 99),
                    Stats.percentile(latencies, 100), 1000 * server.metric("tally_event_freshness_seconds{quantile=\"0.99\"}"),
                    server.metric("jvm_memory_used_bytes{area=\"heap\"") / 1e6, failures.get());
        }
        return 0;
    }

    /** One probe a second: sends {@code event}, prints its latency under {@code label}, then sleeps out the rest of the second. */
    private static double probeInItsSecond(BenchServer server, String label, String event) throws Exception {
        long start = System.nanoTime();
        double millis = probe(server, event);
        System.out.printf("  %s: %.0f ms%n", label, millis);
        Thread.sleep(Math.max(0, 1_000 - (System.nanoTime() - start) / 1_000_000));
        return millis;
    }

    /** Sends one event named {@code event} and returns the milliseconds until a query counts it. */
    private static double probe(BenchServer server, String event) throws Exception {
        byte[] body = ("{\"userId\":\"prober\",\"event\":\"" + event + "\"}").getBytes();
        long start = System.nanoTime();
        HttpResponse<String> sent = server.http().send(post(server, "/v1/track", body), HttpResponse.BodyHandlers.ofString());
        if (sent.statusCode() != 200) {
            throw new IllegalStateException("probe refused: " + sent.body());
        }
        String query = "{\"kind\":\"trends\",\"series\":[{\"event\":\"" + event + "\",\"math\":\"total\"}],\"interval\":\"day\",\"dateFrom\":\"-1d\"}";
        while (true) {
            HttpResponse<String> answer = server.http().send(HttpRequest.newBuilder(URI.create(server.url() + "/v1/projects/default/query"))
                    .header("Authorization", "Bearer " + TallyProcess.READ_KEY).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(query)).build(), HttpResponse.BodyHandlers.ofString());
            if (answer.body().matches("(?s).*\"values\":\\[[^\\]]*[1-9][^\\]]*\\].*")) {
                return (System.nanoTime() - start) / 1e6;
            }
            if (System.nanoTime() - start > Duration.ofSeconds(60).toNanos()) {
                throw new IllegalStateException(event + " not queryable after 60 s");
            }
            Thread.sleep(25);
        }
    }

    private static HttpRequest post(BenchServer server, String path, byte[] body) {
        return HttpRequest.newBuilder(URI.create(server.url() + path))
                .header("Authorization", BenchServer.AUTH).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
    }
}
