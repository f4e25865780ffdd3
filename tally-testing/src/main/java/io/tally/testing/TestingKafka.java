package io.tally.testing;

import io.tally.kafka.EmbeddedKafkaBroker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A real Kafka broker for tests, on free ports, in its own temporary directory (or a given one, to
 * test restarts). Close it to stop the broker.
 */
public final class TestingKafka implements AutoCloseable {
    private final Path dataDir;
    private final EmbeddedKafkaBroker broker;

    private TestingKafka(Path dataDir, EmbeddedKafkaBroker broker) {
        this.dataDir = dataDir;
        this.broker = broker;
    }

    public static TestingKafka start() {
        try {
            return start(Files.createTempDirectory("tally-test-kafka"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static TestingKafka start(Path dataDir) {
        return new TestingKafka(dataDir, EmbeddedKafkaBroker.start(dataDir, 0, Map.of()));
    }

    public String bootstrapServers() {
        return broker.bootstrapServers();
    }

    public Path dataDir() {
        return dataDir;
    }

    @Override
    public void close() {
        broker.close();
    }
}
