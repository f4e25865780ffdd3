package io.tally.bench;

import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * What checking every event against a tracking plan costs at the collector. One server with a schema
 * for every event name the load sends; after an unmeasured warm-up round, rounds of validation off and
 * {@code enforce} alternate (all events pass, so the same work follows the check).
 */
@Command(name = "validation", mixinStandardHelpOptions = true,
        description = "Events/s over HTTP with the tracking plan enforced next to validation off, in the same run.")
final class ValidationBenchmark implements Callable<Integer> {
    private static final String[] EVENTS = {"page_viewed", "signup", "checkout_started", "purchase", "search", "video_played"};
    /** Describes every property the load generator sends, with the checks a real plan would have. */
    private static final String SCHEMA = """
            {"version":"1-0-0","schema":{"type":"object","properties":{
              "plan":{"type":"string","enum":["free","pro","team","enterprise"]},
              "price":{"type":"number","minimum":0},
              "quantity":{"type":"integer","minimum":1,"maximum":100},
              "sku":{"type":"string","pattern":"^SKU-[0-9]+$"},
              "category":{"type":"string","maxLength":200},
              "search_query":{"type":"string","maxLength":500},
              "experiment":{"type":"string"}},
             "required":["plan","price","quantity","sku"],"additionalProperties":false}}""";

    /** Off and enforce alternate, so that drift over the run (JIT, page cache, the broker's log) hits both alike. */
    private static final int ROUNDS = 3;

    @Option(names = "--duration", defaultValue = "PT30S", description = "Measured time per phase (default: ${DEFAULT-VALUE})")
    Duration duration;

    @Option(names = "--warmup", defaultValue = "PT15S", description = "Unmeasured time before each phase (default: ${DEFAULT-VALUE})")
    Duration warmup;

    @Option(names = "--threads", defaultValue = "8", description = "Concurrent HTTP clients (default: ${DEFAULT-VALUE})")
    int threads;

    @Option(names = "--batch", defaultValue = "100", description = "Events per request (default: ${DEFAULT-VALUE})")
    int batch;

    @Override
    public Integer call() throws Exception {
        IngestBenchmark load = new IngestBenchmark();
        load.duration = duration;
        load.warmup = warmup;
        load.threads = threads;
        load.batch = batch;
        // the collector alone: the loader would compete for the two cores and blur what validation costs
        try (BenchServer server = BenchServer.start("-Xmx1g", "--roles", "collector")) {
            for (String event : EVENTS) {
                server.admin("PUT", "/v1/projects/default/schemas/" + event, SCHEMA);
            }
            System.out.println("tracking plan registered for " + EVENTS.length + " events; a first unmeasured round warms the JIT");
            load.httpPhase(server);
            double[] off = new double[ROUNDS];
            double[] enforce = new double[ROUNDS];
            for (int round = 0; round < ROUNDS; round++) {
                server.admin("PUT", "/v1/projects/default/validation", "{\"mode\":\"off\"}");
                off[round] = load.httpPhase(server).rate();
                server.admin("PUT", "/v1/projects/default/validation", "{\"mode\":\"enforce\",\"unknownEvents\":\"reject\"}");
                enforce[round] = load.httpPhase(server).rate();
            }
            double rejected = server.metric("tally_collector_events_rejected_total");
            System.out.printf("%n| round | validation off, events/s | enforce, events/s |%n|---|---|---|%n");
            for (int round = 0; round < ROUNDS; round++) {
                System.out.printf("| %d | %,.0f | %,.0f |%n", round + 1, off[round], enforce[round]);
            }
            System.out.printf("| mean | %,.0f | %,.0f |%n%nratio enforce / off: %.2f%n", mean(off), mean(enforce), mean(enforce) / mean(off));
            System.out.printf("events refused while enforcing: %,.0f (the load sends only valid events, so every one is checked in full)%n",
                    rejected);
        }
        return 0;
    }

    private static double mean(double[] values) {
        double sum = 0;
        for (double v : values) {
            sum += v;
        }
        return sum / values.length;
    }
}
