package io.tally.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tally.core.ErrorCode;
import io.tally.core.TallyException;
import io.tally.core.event.Event;
import io.tally.core.event.EventType;
import io.tally.core.spi.LogPartition;
import io.tally.core.spi.LoggedEvent;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The event log against a real broker started in this JVM. */
class KafkaEventLogTest {
    @TempDir
    Path dir;

    @Test
    void appendedEventsAreReadBackWithEachPersonOnOnePartition() {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dir, 0, Map.of())) {
            KafkaSettings settings = KafkaSettings.defaults(broker.bootstrapServers());
            KafkaTopics.ensure(settings);
            List<Event> events = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                events.add(event("m" + i, "user-" + i % 7, 100));
            }
            try (KafkaEventLog log = new KafkaEventLog(settings, new SimpleMeterRegistry());
                 KafkaEventSource source = new KafkaEventSource(settings, new SimpleMeterRegistry())) {
                log.append(events, Duration.ofSeconds(30));
                source.open(partitions -> Map.of(), revoked -> { });
                List<LoggedEvent> read = new ArrayList<>();
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (read.size() < events.size() && System.nanoTime() < deadline) {
                    read.addAll(source.poll(Duration.ofMillis(200)));
                }
                assertThat(read).extracting(LoggedEvent::event).containsExactlyInAnyOrderElementsOf(events);
                Map<String, LogPartition> partitionOfUser = new HashMap<>();
                for (LoggedEvent e : read) {
                    LogPartition first = partitionOfUser.putIfAbsent(e.event().distinctId(), e.partition());
                    assertThat(first == null || first.equals(e.partition())).as("one partition per person").isTrue();
                }
            }
        }
    }

    @Test
    void aStoppedBrokerMeansRetryableErrorsNotAHang() {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dir, 0, Map.of())) {
            KafkaSettings settings = KafkaSettings.defaults(broker.bootstrapServers()).withInFlightBytes(1024 * 1024);
            KafkaTopics.ensure(settings);
            try (KafkaEventLog log = new KafkaEventLog(settings, new SimpleMeterRegistry())) {
                log.append(List.of(event("warm", "u", 10)), Duration.ofSeconds(30));
                broker.close();
                List<Event> large = new ArrayList<>();
                for (int i = 0; i < 60; i++) {
                    large.add(event("big" + i, "u" + i, 10_000));
                }
                // depending on whether the producer has noticed yet, the records wait for an acknowledgement
                // that never comes (LOG_UNAVAILABLE, their bytes stay reserved) or the budget they left is
                // too small for the next request (OVERLOADED); either way the caller is told to retry
                for (int attempt = 0; attempt < 3; attempt++) {
                    TallyException e = catchThrowableOfType(TallyException.class, () -> log.append(large, Duration.ofSeconds(2)));
                    assertThat(e.code()).isIn(ErrorCode.LOG_UNAVAILABLE, ErrorCode.OVERLOADED);
                    assertThat(e.retryable()).isTrue();
                }
                assertThat(log.healthy()).isFalse();
            }
        }
    }

    @Test
    void healthNoticesAStoppedBrokerWithoutAnyTraffic() throws InterruptedException {
        KafkaSettings settings;
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dir, 0, Map.of())) {
            settings = KafkaSettings.defaults(broker.bootstrapServers());
            KafkaTopics.ensure(settings);
            try (KafkaEventLog log = new KafkaEventLog(settings, new SimpleMeterRegistry())) {
                assertThat(log.healthy()).isTrue();
                broker.close();
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (log.healthy() && System.nanoTime() < deadline) {
                    Thread.sleep(500);
                }
                assertThat(log.healthy()).isFalse();
            }
        }
    }

    private static Event event(String messageId, String user, int propertyChars) {
        Instant t = Instant.parse("2026-01-01T00:00:00Z");
        return new Event("p", messageId, EventType.TRACK, "e", user, user, null, t, t, null, null, null, null, null,
                "{\"pad\":\"" + "x".repeat(propertyChars) + "\"}", "{}", "{}", null, null);
    }
}
