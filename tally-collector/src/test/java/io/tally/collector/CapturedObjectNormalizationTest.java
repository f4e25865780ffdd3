package io.tally.collector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.tally.collector.parse.ParsedRequest;
import io.tally.collector.parse.SegmentRequestParser;
import io.tally.core.ErrorCode;
import io.tally.core.TallyException;
import io.tally.core.event.Event;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The path real requests take: objects kept as the client's text by the parser, then normalized. */
class CapturedObjectNormalizationTest {
    private static final RequestMeta META = new RequestMeta("p", Instant.parse("2026-01-01T00:00:00Z"), "10.0.0.1", "agent");
    private final SegmentRequestParser parser = new SegmentRequestParser(32, 500_000);
    private final EventNormalizer normalizer = new EventNormalizer();

    private Event normalize(String batchBody) {
        ParsedRequest request = parser.parseBatch(batchBody.getBytes(StandardCharsets.UTF_8));
        return normalizer.normalize(request.messages().get(0).node(), null, META, request.sentAt(), request.context());
    }

    @Test
    void objectsKeepTheClientsExactText() {
        Event e = normalize("{\"batch\":[{\"type\":\"track\",\"event\":\"e\",\"userId\":\"u\","
                + "\"properties\":{ \"a\" : [1, {\"b\":null}], \"ü\":\"\\u00fc\" },\"traits\":{}}]}");
        assertThat(e.properties()).isEqualTo("{ \"a\" : [1, {\"b\":null}], \"ü\":\"\\u00fc\" }");
        assertThat(e.traits()).isEqualTo("{}");
    }

    @Test
    void contextIpAndUserAgentAreReadFromTheCapturedContext() {
        Event e = normalize("{\"batch\":[{\"type\":\"track\",\"event\":\"e\",\"userId\":\"u\","
                + "\"context\":{\"page\":{\"ip\":\"nested, ignored\"},\"ip\":\"1.2.3.4\",\"userAgent\":\"ua/1\"}}]}");
        assertThat(e.ip()).isEqualTo("1.2.3.4");
        assertThat(e.userAgent()).isEqualTo("ua/1");
        assertThat(e.context()).contains("\"page\"");
    }

    @Test
    void batchContextIsMergedUnderTheMessagesOwn() {
        Event e = normalize("{\"context\":{\"locale\":\"de\",\"ip\":\"9.9.9.9\"},\"batch\":[{\"type\":\"track\",\"event\":\"e\","
                + "\"userId\":\"u\",\"context\":{\"ip\":\"1.2.3.4\"}}]}");
        assertThat(e.context()).contains("\"locale\":\"de\"").contains("\"ip\":\"1.2.3.4\"");
        assertThat(e.ip()).isEqualTo("1.2.3.4");
    }

    @Test
    void escapedSurrogatePairsPassAndLoneOnesAreRefused() {
        assertThat(normalize("{\"batch\":[{\"type\":\"track\",\"event\":\"e\",\"userId\":\"u\",\"properties\":{\"x\":\"\\ud83d\\ude00\"}}]}")
                .properties()).contains("\\ud83d\\ude00");
        TallyException lone = catchThrowableOfType(TallyException.class, () ->
                normalize("{\"batch\":[{\"type\":\"track\",\"event\":\"e\",\"userId\":\"u\",\"properties\":{\"x\":\"\\udc00\"}}]}"));
        assertThat(lone.code()).isEqualTo(ErrorCode.INVALID_EVENT);
        assertThat(lone.field()).contains("properties");
        TallyException highAlone = catchThrowableOfType(TallyException.class, () ->
                normalize("{\"batch\":[{\"type\":\"track\",\"event\":\"e\",\"userId\":\"u\",\"context\":{\"x\":\"\\uD800 \"}}]}"));
        assertThat(highAlone.field()).contains("context");
    }

    @Test
    void anEscapedBackslashBeforeUIsNotAnEscape() {
        assertThat(normalize("{\"batch\":[{\"type\":\"track\",\"event\":\"e\",\"userId\":\"u\",\"properties\":{\"path\":\"C:\\\\udc00\"}}]}")
                .properties()).contains("C:\\\\udc00");
    }

    @Test
    void aNonObjectPropertiesIsStillRefusedByName() {
        TallyException e = catchThrowableOfType(TallyException.class, () ->
                normalize("{\"batch\":[{\"type\":\"track\",\"event\":\"e\",\"userId\":\"u\",\"properties\":[1]}]}"));
        assertThat(e.field()).contains("properties");
    }
}
