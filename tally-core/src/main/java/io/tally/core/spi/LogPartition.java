package io.tally.core.spi;

import static java.util.Objects.requireNonNull;

/** One partition of the event log; positions in it are offsets. */
public record LogPartition(String topic, int partition) implements Comparable<LogPartition> {
    public LogPartition {
        requireNonNull(topic, "topic is null");
        if (partition < 0) {
            throw new IllegalArgumentException("partition is negative: " + partition);
        }
    }

    @Override
    public int compareTo(LogPartition other) {
        int byTopic = topic.compareTo(other.topic);
        return byTopic != 0 ? byTopic : Integer.compare(partition, other.partition);
    }

    @Override
    public String toString() {
        return topic + "-" + partition;
    }
}
