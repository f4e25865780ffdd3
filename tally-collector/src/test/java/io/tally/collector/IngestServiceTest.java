package io.tally.collector;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tally.collector.parse.SegmentRequestParser;
import io.tally.core.event.Event;
import io.tally.core.event.EventType;
import io.tally.core.event.RejectedEvent;
import io.tally.core.spi.EventLog;
import io.tally.schema.LocalConfigLog;
import io.tally.schema.TrackingPlans;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class IngestServiceTest {
    /**
     * A request with refused and accepted events waits for Kafka twice, the refused ones first: the
     * second wait gets what is left of one timeout, so the client's 503 comes within about one timeout.
     */
    @Test
    void bothAppendsShareOneTimeout() {
        List<Duration> timeouts = new ArrayList<>();
        EventLog slowLog = new EventLog() {
            @Override
            public void append(List<Event> events, Duration timeout) {
                timeouts.add(timeout);
            }

            @Override
            public void appendRejected(List<RejectedEvent> rejected, Duration timeout) {
                timeouts.add(timeout);
                try {
                    // Kafka is slow to acknowledge the refused events
                    Thread.sleep(300);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }

            @Override
            public boolean healthy() {
                return true;
            }

            @Override
            public void close() {
            }
        };
        CollectorSettings settings = CollectorSettings.defaults();
        IngestService service = new IngestService(settings, slowLog,
                new TrackingPlans(new LocalConfigLog(), Clock.systemUTC(), Duration.ofSeconds(1)), new SimpleMeterRegistry());
        byte[] body = """
                {"batch":[{"type":"track","userId":"u","event":"ok"},{"type":"track","userId":"u","event":""}]}"""
                .getBytes(StandardCharsets.UTF_8);

        IngestResult result = service.ingest(new SegmentRequestParser(32, 500 * 1024).parseBatch(body), EventType.TRACK,
                new RequestMeta("p", Instant.now(), "10.0.0.1", "test"));

        assertThat(result.outcomes()).hasSize(2);
        assertThat(timeouts).hasSize(2);
        assertThat(timeouts.get(0)).isEqualTo(settings.appendTimeout());
        assertThat(timeouts.get(1)).isLessThanOrEqualTo(settings.appendTimeout().minusMillis(300));
    }
}
