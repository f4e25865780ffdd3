package io.tally.bench;

import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * What checking every event against a tracking plan costs at the collector. One server, three phases of
 * the ingest load: validation off, then {@code enforce} with a schema for every event name the load
 * sends (all events pass, so the same work follows), then off again, so that drift over the run shows.
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
            double off = load.httpPhase(server);
            for (String event : EVENTS) {
                server.admin("PUT", "/v1/projects/default/schemas/" + event, SCHEMA);
            }
            server.admin("PUT", "/v1/projects/default/validation", "{\"mode\":\"enforce\",\"unknownEvents\":\"reject\"}");
            System.out.println("tracking plan enforced for " + EVENTS.length + " events");
            double enforce = load.httpPhase(server);
            double rejected = server.metric("tally_collector_events_rejected_total");
            server.admin("PUT", "/v1/projects/default/validation", "{\"mode\":\"off\"}");
            double offAgain = load.httpPhase(server);
            double baseline = (off + offAgain) / 2;
            System.out.printf("%n| phase | events/s |%n|---|---|%n| validation off | %,.0f |%n| enforce, %d schemas | %,.0f |%n"
                    + "| validation off again | %,.0f |%n| ratio enforce / mean(off) | %.2f |%n", off, EVENTS.length, enforce, offAgain,
                    enforce / baseline);
            System.out.printf("events refused while enforcing: %,.0f (the load sends only valid events)%n", rejected);
        }
        return 0;
    }
}
