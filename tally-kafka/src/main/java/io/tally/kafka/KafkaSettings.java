package io.tally.kafka;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * How Tally talks to Kafka. Defaults live in {@link #defaults(String)}; {@link #validate()} runs at start.
 *
 * @param inFlightBytes the most event bytes the collector may have sent but not yet acknowledged;
 *     beyond it requests are refused with 503 instead of queueing without bound
 * @param budgetWait how long a request may wait for in-flight budget before it is refused
 * @param maxBlock how long a send may wait for broker metadata when Kafka is unreachable
 * @param deliveryTimeout how long the producer keeps retrying one record before it fails
 */
public record KafkaSettings(
        String bootstrapServers,
        String eventsTopic,
        String rejectedTopic,
        int partitions,
        short replicationFactor,
        String loaderGroup,
        long inFlightBytes,
        Duration budgetWait,
        Duration maxBlock,
        Duration deliveryTimeout,
        int maxPollRecords) {

    public KafkaSettings {
        requireNonNull(bootstrapServers, "bootstrapServers is null");
        requireNonNull(eventsTopic, "eventsTopic is null");
        requireNonNull(rejectedTopic, "rejectedTopic is null");
        requireNonNull(loaderGroup, "loaderGroup is null");
        requireNonNull(budgetWait, "budgetWait is null");
        requireNonNull(maxBlock, "maxBlock is null");
        requireNonNull(deliveryTimeout, "deliveryTimeout is null");
    }

    public static KafkaSettings defaults(String bootstrapServers) {
        return new KafkaSettings(bootstrapServers, "tally.events", "tally.rejected", 4, (short) 1, "tally-loader",
                64L * 1024 * 1024, Duration.ofMillis(500), Duration.ofSeconds(3), Duration.ofSeconds(15), 5_000);
    }

    public KafkaSettings withInFlightBytes(long bytes) {
        return new KafkaSettings(bootstrapServers, eventsTopic, rejectedTopic, partitions, replicationFactor,
                loaderGroup, bytes, budgetWait, maxBlock, deliveryTimeout, maxPollRecords);
    }

    public KafkaSettings withPartitions(int count) {
        return new KafkaSettings(bootstrapServers, eventsTopic, rejectedTopic, count, replicationFactor,
                loaderGroup, inFlightBytes, budgetWait, maxBlock, deliveryTimeout, maxPollRecords);
    }

    /** Fails with the setting's name when a value cannot work. */
    public KafkaSettings validate() {
        check(!bootstrapServers.isBlank(), "kafka.bootstrap-servers is empty");
        check(partitions >= 1, "kafka.partitions must be at least 1, was " + partitions);
        check(replicationFactor >= 1, "kafka.replication-factor must be at least 1, was " + replicationFactor);
        check(inFlightBytes >= 1024 * 1024, "kafka.in-flight-bytes must be at least 1 MiB, was " + inFlightBytes);
        check(deliveryTimeout.compareTo(Duration.ofSeconds(1)) >= 0, "kafka.delivery-timeout must be at least 1s");
        check(maxPollRecords >= 1, "kafka.max-poll-records must be at least 1");
        return this;
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
