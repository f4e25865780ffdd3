package io.tally.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;

/** The temporary directories benchmarks leave behind: gigabytes of Kafka logs and store files. */
final class TempDirectories {
    private TempDirectories() {
    }

    /** Deletes {@code root} and everything in it, as far as it can: a leftover directory is not worth failing a benchmark for. */
    static void deleteQuietly(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (var paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // best effort, see above
        }
    }
}
