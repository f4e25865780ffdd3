package io.tally.kafka;

import static java.util.Objects.requireNonNull;

import io.tally.core.spi.LogPartition;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The end offsets of the events topic: one past the last event Kafka has acknowledged in each
 * partition. A process that serves queries without a loader of its own compares them with the
 * store's positions to tell how far loading has come. It reads no records and joins no group. Not
 * thread-safe, like the consumer it wraps: one thread asks.
 */
public final class KafkaLogEnds implements AutoCloseable {
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final String topic;

    public KafkaLogEnds(KafkaSettings settings, String clientId) {
        requireNonNull(settings, "settings is null");
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, requireNonNull(clientId, "clientId is null"));
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        this.consumer = new KafkaConsumer<>(p);
        this.topic = settings.eventsTopic();
    }

    /** Each partition's end offset now; asked afresh every time, so partitions added later are seen. */
    public Map<LogPartition, Long> ends() {
        List<TopicPartition> partitions = consumer.partitionsFor(topic, TIMEOUT).stream()
                .map(info -> new TopicPartition(info.topic(), info.partition())).toList();
        Map<LogPartition, Long> ends = new HashMap<>();
        consumer.endOffsets(partitions, TIMEOUT).forEach((tp, end) -> ends.put(new LogPartition(tp.topic(), tp.partition()), end));
        return ends;
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(5));
    }
}
