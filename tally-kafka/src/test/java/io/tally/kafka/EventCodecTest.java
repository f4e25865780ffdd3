package io.tally.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.tally.core.event.Event;
import io.tally.core.event.EventType;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class EventCodecTest {
    @Test
    void anEventSurvivesTheLogUnchanged() {
        Event event = new Event("p", "m-1", EventType.PAGE, "$page", "u", "u", "a", Instant.parse("2026-03-29T01:30:00.123456Z"),
                Instant.parse("2026-03-29T01:30:01Z"), Instant.parse("2026-03-29T01:30:00.5Z"), null, "Home", null, null,
                "{\"a\": [1, {\"b\": \"\\u00fc\"}], \"c\": null}", "{}", "{\"ip\":\"1.2.3.4\"}", "1.2.3.4", "agent \"quoted\"");
        assertThat(EventCodec.decode(EventCodec.encode(event))).isEqualTo(event);
    }

    @Test
    void timesBeforeTheEpochKeepTheirMicroseconds() {
        Event event = new Event("p", "m", EventType.TRACK, "e", "u", "u", null, Instant.parse("1969-12-31T23:59:59.999999Z"),
                Instant.parse("2026-01-01T00:00:00Z"), null, null, null, null, null, "{}", "{}", "{}", null, null);
        assertThat(EventCodec.decode(EventCodec.encode(event)).timestamp()).isEqualTo(event.timestamp());
    }
}
