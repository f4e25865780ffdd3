package io.tally.kafka;

import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/** Creates Tally's topics when they do not exist yet; safe when several processes start at once. */
public final class KafkaTopics {
    private KafkaTopics() {
    }

    public static void ensure(KafkaSettings settings) {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000);
        try (Admin admin = Admin.create(props)) {
            Map<String, String> durable = Map.of("min.insync.replicas",
                    String.valueOf(Math.max(1, settings.replicationFactor() - 1)));
            List<NewTopic> topics = List.of(
                    new NewTopic(settings.eventsTopic(), settings.partitions(), settings.replicationFactor()).configs(durable),
                    new NewTopic(settings.rejectedTopic(), 1, settings.replicationFactor()).configs(durable),
                    // one partition: every process applies settings in the same order; kept forever, it is small
                    new NewTopic(KafkaConfigLog.TOPIC, 1, settings.replicationFactor()).configs(Map.of(
                            "min.insync.replicas", durable.get("min.insync.replicas"),
                            "cleanup.policy", "delete", "retention.ms", "-1", "retention.bytes", "-1")));
            for (var entry : admin.createTopics(topics).values().entrySet()) {
                try {
                    entry.getValue().get(30, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("cannot create topic " + entry.getKey() + ": " + e.getCause().getMessage(), e);
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("Kafka at " + settings.bootstrapServers() + " did not answer within 30 s", e);
        }
    }
}
