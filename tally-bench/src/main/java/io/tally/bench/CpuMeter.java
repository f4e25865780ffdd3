package io.tally.bench;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * CPU time that named processes used between two points of a benchmark, per event. Where a rate is
 * bound by CPU rather than by waiting (the cores busy tell which), "how much CPU per event, and where"
 * says how far it could go: once two runs both fill the cores, their rates stand in the inverse ratio
 * of their CPU per event.
 *
 * <p>The time is what the kernel counted for each process alone ({@link ProcessHandle.Info#totalCpuDuration},
 * in clock ticks of 10 ms), user and system together. Not its children: the bench JVM is the parent of
 * the server JVM it measures next to itself.
 */
final class CpuMeter {
    private final Map<String, ProcessHandle> processes = new LinkedHashMap<>();
    private Map<String, Long> startNanos = Map.of();
    private long startWall;

    /** @param name what the process is in this benchmark, e.g. "server JVM (collector, broker)" */
    CpuMeter add(String name, ProcessHandle process) {
        processes.put(name, process);
        return this;
    }

    void start() {
        startNanos = sample();
        startWall = System.nanoTime();
    }

    /** Per process since {@link #start}: CPU seconds, cores kept busy, and microseconds of CPU per event. */
    Usage stop(long events) {
        Map<String, Long> end = sample();
        double wallSeconds = (System.nanoTime() - startWall) / 1e9;
        Map<String, Double> cpuSeconds = new LinkedHashMap<>();
        for (String name : processes.keySet()) {
            cpuSeconds.put(name, (end.get(name) - startNanos.get(name)) / 1e9);
        }
        return new Usage(cpuSeconds, wallSeconds, events);
    }

    private Map<String, Long> sample() {
        Map<String, Long> nanos = new LinkedHashMap<>();
        processes.forEach((name, process) -> nanos.put(name, process.info().totalCpuDuration().map(Duration::toNanos).orElse(0L)));
        return nanos;
    }

    record Usage(Map<String, Double> cpuSeconds, double wallSeconds, long events) {
        double totalMicrosPerEvent() {
            return cpuSeconds.values().stream().mapToDouble(Double::doubleValue).sum() * 1e6 / Math.max(1, events);
        }

        /** A Markdown table, one row per process and one for all of them. */
        String table(String phase) {
            StringBuilder out = new StringBuilder();
            out.append(String.format("  CPU during %s (%.1f s, %,d events):%n", phase, wallSeconds, events));
            out.append("  | process | CPU seconds | cores busy | µs of CPU per event |\n  |---|---|---|---|\n");
            double total = 0;
            for (Map.Entry<String, Double> e : cpuSeconds.entrySet()) {
                total += e.getValue();
                out.append(row(e.getKey(), e.getValue()));
            }
            out.append(row("all of them", total));
            return out.toString();
        }

        private String row(String name, double seconds) {
            return String.format("  | %s | %.1f | %.2f | %.2f |%n", name, seconds, seconds / wallSeconds, seconds * 1e6 / Math.max(1, events));
        }
    }
}
