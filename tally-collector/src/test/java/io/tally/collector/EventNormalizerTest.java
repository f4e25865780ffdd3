package io.tally.collector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tally.core.ErrorCode;
import io.tally.core.TallyException;
import io.tally.core.event.Event;
import io.tally.core.event.EventType;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class EventNormalizerTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Instant RECEIVED_AT = Instant.parse("2026-01-05T12:00:10Z");
    private static final RequestMeta META = new RequestMeta("proj", RECEIVED_AT, "10.0.0.1", "request-agent/1.0");

    private final EventNormalizer normalizer = new EventNormalizer();

    // identity

    @Test
    void distinctIdIsTheUserIdWhenThereIsOne() {
        Event event = track("{\"userId\": \"user-1\", \"anonymousId\": \"anon-1\", \"event\": \"signup\"}");

        assertThat(event.distinctId()).isEqualTo("user-1");
        assertThat(event.userId()).isEqualTo("user-1");
        assertThat(event.anonymousId()).isEqualTo("anon-1");
    }

    @Test
    void distinctIdIsTheAnonymousIdWithoutAUserId() {
        Event event = track("{\"anonymousId\": \"anon-1\", \"event\": \"signup\"}");

        assertThat(event.distinctId()).isEqualTo("anon-1");
        assertThat(event.userId()).isNull();
    }

    @Test
    void emptyUserIdCountsAsMissing() {
        Event event = track("{\"userId\": \"\", \"anonymousId\": \"anon-1\", \"event\": \"signup\"}");

        assertThat(event.distinctId()).isEqualTo("anon-1");
    }

    @Test
    void numericIdsAreAccepted() {
        Event event = track("{\"userId\": 42, \"anonymousId\": 7, \"event\": \"signup\"}");

        assertThat(event.distinctId()).isEqualTo("42");
        assertThat(event.anonymousId()).isEqualTo("7");
    }

    @Test
    void messageWithoutAnyIdIsRejectedNamingUserId() {
        assertRejected("{\"event\": \"signup\"}", EventType.TRACK, "userId");
    }

    @Test
    void messageWithOnlyNullIdsIsRejected() {
        assertRejected("{\"userId\": null, \"anonymousId\": null, \"event\": \"signup\"}", EventType.TRACK, "userId");
    }

    @Test
    void fractionalUserIdIsRejected() {
        assertRejected("{\"userId\": 1.5, \"event\": \"signup\"}", EventType.TRACK, "userId");
    }

    @Test
    void objectAnonymousIdIsRejected() {
        assertRejected("{\"anonymousId\": {\"id\": 1}, \"event\": \"signup\"}", EventType.TRACK, "anonymousId");
    }

    @Test
    void overlongUserIdIsRejected() {
        assertRejected("{\"userId\": \"" + "u".repeat(1025) + "\", \"event\": \"signup\"}", EventType.TRACK, "userId");
    }

    // types and required fields

    @Test
    void trackKeepsItsNamePropertiesAndMessageId() {
        Event event = track("{\"userId\": \"u\", \"event\": \"signup\", \"messageId\": \"m-1\", \"properties\": {\"plan\": \"pro\"}}");

        assertThat(event.type()).isEqualTo(EventType.TRACK);
        assertThat(event.event()).isEqualTo("signup");
        assertThat(event.messageId()).isEqualTo("m-1");
        assertThat(event.properties()).isEqualTo("{\"plan\":\"pro\"}");
        assertThat(event.project()).isEqualTo("proj");
    }

    @Test
    void missingMessageIdIsGenerated() {
        Event first = track("{\"userId\": \"u\", \"event\": \"signup\"}");
        Event second = track("{\"userId\": \"u\", \"event\": \"signup\"}");

        assertThat(first.messageId()).isNotBlank().isNotEqualTo(second.messageId());
    }

    @Test
    void eventThatIsANumberIsRejectedNamingEvent() {
        assertRejected("{\"userId\": \"u\", \"event\": 42}", EventType.TRACK, "event");
    }

    @Test
    void trackWithoutEventIsRejectedNamingEvent() {
        assertRejected("{\"userId\": \"u\"}", EventType.TRACK, "event");
    }

    @Test
    void trackWithBlankEventIsRejectedNamingEvent() {
        assertRejected("{\"userId\": \"u\", \"event\": \"  \"}", EventType.TRACK, "event");
    }

    @Test
    void propertiesThatAreAnArrayAreRejectedNamingProperties() {
        assertRejected("{\"userId\": \"u\", \"event\": \"e\", \"properties\": [1, 2]}", EventType.TRACK, "properties");
    }

    @Test
    void traitsThatAreAStringAreRejectedNamingTraits() {
        assertRejected("{\"userId\": \"u\", \"traits\": \"vip\"}", EventType.IDENTIFY, "traits");
    }

    @Test
    void contextThatIsNotAnObjectIsRejectedNamingContext() {
        assertRejected("{\"userId\": \"u\", \"event\": \"e\", \"context\": 5}", EventType.TRACK, "context");
    }

    @Test
    void timestampThatIsNotIsoIsRejectedNamingTimestamp() {
        assertRejected("{\"userId\": \"u\", \"event\": \"e\", \"timestamp\": \"yesterday\"}", EventType.TRACK, "timestamp");
    }

    @Test
    void timestampThatIsANumberIsRejectedNamingTimestamp() {
        assertRejected("{\"userId\": \"u\", \"event\": \"e\", \"timestamp\": 1767614400000}", EventType.TRACK, "timestamp");
    }

    @Test
    void sentAtThatIsNotIsoIsRejectedNamingSentAt() {
        assertRejected("{\"userId\": \"u\", \"event\": \"e\", \"sentAt\": \"05/01/2026\"}", EventType.TRACK, "sentAt");
    }

    @Test
    void messageThatIsNotAnObjectIsRejected() {
        TallyException e = reject("[1, 2]", EventType.TRACK);

        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_EVENT);
    }

    @Test
    void batchMessageTakesItsTypeFromTheMessage() {
        Event event = normalize("{\"type\": \"identify\", \"userId\": \"u\", \"traits\": {\"email\": \"a@b.c\"}}", null);

        assertThat(event.type()).isEqualTo(EventType.IDENTIFY);
        assertThat(event.event()).isEqualTo("$identify");
        assertThat(event.traits()).isEqualTo("{\"email\":\"a@b.c\"}");
    }

    @Test
    void batchMessageWithoutTypeIsRejectedNamingType() {
        assertRejected("{\"userId\": \"u\", \"event\": \"e\"}", null, "type");
    }

    @Test
    void batchMessageWithUnknownTypeIsRejectedNamingType() {
        assertRejected("{\"type\": \"purchase\", \"userId\": \"u\"}", null, "type");
    }

    @Test
    void groupWithoutGroupIdIsRejectedNamingGroupId() {
        assertRejected("{\"userId\": \"u\"}", EventType.GROUP, "groupId");
    }

    @Test
    void aliasWithoutPreviousIdIsRejectedNamingPreviousId() {
        assertRejected("{\"userId\": \"u\"}", EventType.ALIAS, "previousId");
    }

    @Test
    void aliasWithoutUserIdIsRejectedNamingUserId() {
        assertRejected("{\"anonymousId\": \"a\", \"previousId\": \"p\"}", EventType.ALIAS, "userId");
    }

    @Test
    void unpairedSurrogateInPropertiesIsRejectedNamingProperties() {
        assertRejected("{\"userId\": \"u\", \"event\": \"e\", \"properties\": {\"k\": \"a\\udc00b\"}}",
                EventType.TRACK, "properties");
    }

    @Test
    void unpairedSurrogateInTraitsIsRejectedNamingTraits() {
        assertRejected("{\"userId\": \"u\", \"traits\": {\"name\": \"\\ud800\"}}", EventType.IDENTIFY, "traits");
    }

    @Test
    void unpairedSurrogateInContextIsRejectedNamingContext() {
        assertRejected("{\"userId\": \"u\", \"event\": \"e\", \"context\": {\"page\": {\"title\": \"\\ud800\"}}}",
                EventType.TRACK, "context");
    }

    @Test
    void unpairedSurrogateInTheBatchContextIsRejectedNamingContext() {
        TallyException e = (TallyException) catchThrowable(() -> normalize(
                "{\"type\": \"track\", \"userId\": \"u\", \"event\": \"e\"}", null, null, json("{\"k\": \"\\udfff\"}")));

        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_EVENT);
        assertThat(e.field()).contains("context");
    }

    @Test
    void escapedSurrogatePairInPropertiesIsAccepted() {
        Event event = track("{\"userId\": \"u\", \"event\": \"e\", \"properties\": {\"mood\": \"\\ud83d\\ude00\"}}");

        assertThat(json(event.properties()).get("mood").asText()).isEqualTo(new String(Character.toChars(0x1F600)));
    }

    // time

    @Test
    void explicitTimestampIsKeptAsSent() {
        Event event = track("""
                {"userId": "u", "event": "e", "timestamp": "2020-03-01T08:00:00Z",
                 "originalTimestamp": "2026-01-05T11:00:00Z", "sentAt": "2026-01-05T11:00:05Z"}""");

        assertThat(event.timestamp()).isEqualTo(Instant.parse("2020-03-01T08:00:00Z"));
    }

    @Test
    void timestampWithAnOffsetIsConvertedToUtc() {
        Event event = track("{\"userId\": \"u\", \"event\": \"e\", \"timestamp\": \"2026-01-05T14:00:00+02:00\"}");

        assertThat(event.timestamp()).isEqualTo(Instant.parse("2026-01-05T12:00:00Z"));
    }

    @Test
    void timestampWithoutAnOffsetIsReadAsUtc() {
        Event event = track("{\"userId\": \"u\", \"event\": \"e\", \"timestamp\": \"2026-01-05T14:00:00.250\"}");

        assertThat(event.timestamp()).isEqualTo(Instant.parse("2026-01-05T14:00:00.250Z"));
    }

    @Test
    void originalTimestampWithSentAtIsCorrectedForTheDevicesClockSkew() {
        // the device's clock is an hour behind: it sent 3 s after the event, by its own clock
        Event event = track("""
                {"userId": "u", "event": "e",
                 "originalTimestamp": "2026-01-05T11:00:02Z", "sentAt": "2026-01-05T11:00:05Z"}""");

        assertThat(event.timestamp()).isEqualTo(RECEIVED_AT.minusSeconds(3));
        assertThat(event.originalTimestamp()).isEqualTo(Instant.parse("2026-01-05T11:00:02Z"));
        assertThat(event.sentAt()).isEqualTo(Instant.parse("2026-01-05T11:00:05Z"));
    }

    @Test
    void originalTimestampAloneIsKept() {
        Event event = track("{\"userId\": \"u\", \"event\": \"e\", \"originalTimestamp\": \"2026-01-05T11:00:02Z\"}");

        assertThat(event.timestamp()).isEqualTo(Instant.parse("2026-01-05T11:00:02Z"));
    }

    @Test
    void withoutAnyTimeTheReceiveTimeIsUsed() {
        Event event = track("{\"userId\": \"u\", \"event\": \"e\"}");

        assertThat(event.timestamp()).isEqualTo(RECEIVED_AT);
        assertThat(event.receivedAt()).isEqualTo(RECEIVED_AT);
    }

    @Test
    void sentAtAloneDoesNotChangeTheReceiveTime() {
        Event event = track("{\"userId\": \"u\", \"event\": \"e\", \"sentAt\": \"2026-01-05T11:00:05Z\"}");

        assertThat(event.timestamp()).isEqualTo(RECEIVED_AT);
    }

    @Test
    void batchSentAtIsUsedForClockSkewCorrection() {
        Event event = normalize("""
                {"type": "track", "userId": "u", "event": "e", "originalTimestamp": "2026-01-05T11:00:02Z"}""",
                null, "2026-01-05T11:00:05Z", null);

        assertThat(event.timestamp()).isEqualTo(RECEIVED_AT.minusSeconds(3));
        assertThat(event.sentAt()).isEqualTo(Instant.parse("2026-01-05T11:00:05Z"));
    }

    @Test
    void messageSentAtWinsOverTheBatchSentAt() {
        Event event = normalize("""
                {"type": "track", "userId": "u", "event": "e",
                 "originalTimestamp": "2026-01-05T11:00:02Z", "sentAt": "2026-01-05T11:00:12Z"}""",
                null, "2026-01-05T11:00:05Z", null);

        assertThat(event.timestamp()).isEqualTo(RECEIVED_AT.minusSeconds(10));
    }

    @Test
    void invalidBatchSentAtIsRejectedNamingSentAt() {
        TallyException e = (TallyException) catchThrowable(() -> normalize(
                "{\"type\": \"track\", \"userId\": \"u\", \"event\": \"e\"}", null, "not a time", null));

        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_EVENT);
        assertThat(e.field()).contains("sentAt");
    }

    // context and enrichment

    @Test
    void ipAndUserAgentComeFromTheRequestWithoutContext() {
        Event event = track("{\"userId\": \"u\", \"event\": \"e\"}");

        assertThat(event.ip()).isEqualTo("10.0.0.1");
        assertThat(event.userAgent()).isEqualTo("request-agent/1.0");
        assertThat(event.context()).isEqualTo("{}");
    }

    @Test
    void contextIpAndUserAgentArePreferredOverTheRequests() {
        Event event = track("""
                {"userId": "u", "event": "e", "context": {"ip": "203.0.113.9", "userAgent": "Mozilla/5.0"}}""");

        assertThat(event.ip()).isEqualTo("203.0.113.9");
        assertThat(event.userAgent()).isEqualTo("Mozilla/5.0");
    }

    @Test
    void emptyContextIpFallsBackToTheRequests() {
        Event event = track("{\"userId\": \"u\", \"event\": \"e\", \"context\": {\"ip\": \"\", \"userAgent\": 5}}");

        assertThat(event.ip()).isEqualTo("10.0.0.1");
        assertThat(event.userAgent()).isEqualTo("request-agent/1.0");
    }

    @Test
    void batchContextIsUsedWhenTheMessageHasNone() {
        Event event = normalize("{\"type\": \"track\", \"userId\": \"u\", \"event\": \"e\"}",
                null, null, json("{\"ip\": \"203.0.113.9\", \"library\": {\"name\": \"sdk\"}}"));

        assertThat(event.ip()).isEqualTo("203.0.113.9");
        assertThat(json(event.context())).isEqualTo(json("{\"ip\": \"203.0.113.9\", \"library\": {\"name\": \"sdk\"}}"));
    }

    @Test
    void messageContextOverridesTheBatchContextKeyByKey() {
        Event event = normalize("""
                {"type": "track", "userId": "u", "event": "e", "context": {"ip": "198.51.100.7", "locale": "de-DE"}}""",
                null, null, json("{\"ip\": \"203.0.113.9\", \"library\": {\"name\": \"sdk\"}}"));

        assertThat(event.ip()).isEqualTo("198.51.100.7");
        assertThat(json(event.context())).isEqualTo(
                json("{\"ip\": \"198.51.100.7\", \"locale\": \"de-DE\", \"library\": {\"name\": \"sdk\"}}"));
    }

    @Test
    void mergingDoesNotChangeTheBatchContext() {
        JsonNode batchContext = json("{\"ip\": \"203.0.113.9\"}");

        normalize("{\"type\": \"track\", \"userId\": \"u\", \"event\": \"e\", \"context\": {\"ip\": \"198.51.100.7\"}}",
                null, null, batchContext);

        assertThat(batchContext).isEqualTo(json("{\"ip\": \"203.0.113.9\"}"));
    }

    private Event track(String message) {
        return normalize(message, EventType.TRACK);
    }

    private Event normalize(String message, EventType impliedType) {
        return normalize(message, impliedType, null, null);
    }

    private Event normalize(String message, EventType impliedType, String batchSentAt, JsonNode batchContext) {
        return normalizer.normalize(json(message), impliedType, META, batchSentAt, batchContext);
    }

    private TallyException reject(String message, EventType impliedType) {
        Throwable thrown = catchThrowable(() -> normalize(message, impliedType));
        assertThat(thrown).isInstanceOf(TallyException.class);
        return (TallyException) thrown;
    }

    private void assertRejected(String message, EventType impliedType, String field) {
        TallyException e = reject(message, impliedType);
        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_EVENT);
        assertThat(e.field()).contains(field);
        assertThat(e).hasMessageContaining(field);
    }

    private static JsonNode json(String text) {
        try {
            return MAPPER.readTree(text);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
