package io.tally.sdk.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tally.sdk.TallyMessage;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MessageEncoderTest {
    private static final Instant NOW = Instant.parse("2024-05-06T07:08:09Z");
    private final MessageEncoder encoder = new MessageEncoder();
    private final ObjectMapper json = new ObjectMapper();

    @Test
    void writesTheWireFieldsOfATrackMessage() throws Exception {
        TallyMessage message = TallyMessage.track("Ordered")
                .userId("u1")
                .anonymousId("a1")
                .property("total", 12.5)
                .property("items", List.of("a", "b"))
                .context("library", Map.of("name", "impostor"))
                .context("locale", "de-DE")
                .build();

        JsonNode tree = json.readTree(encoder.encode(message, "m-1", NOW).json());

        assertThat(tree.path("type").asText()).isEqualTo("track");
        assertThat(tree.path("messageId").asText()).isEqualTo("m-1");
        assertThat(tree.path("timestamp").asText()).isEqualTo("2024-05-06T07:08:09.000Z");
        assertThat(tree.path("userId").asText()).isEqualTo("u1");
        assertThat(tree.path("anonymousId").asText()).isEqualTo("a1");
        assertThat(tree.path("event").asText()).isEqualTo("Ordered");
        assertThat(tree.path("properties").path("total").asDouble()).isEqualTo(12.5);
        assertThat(tree.path("properties").path("items")).hasSize(2);
        assertThat(tree.path("context").path("locale").asText()).isEqualTo("de-DE");
        assertThat(tree.path("context").path("library").path("name").asText()).isEqualTo("tally-sdk-java");
        assertThat(tree.has("traits")).isFalse();
    }

    @Test
    void writesTraitsForIdentifyAndNothingExtraForAlias() throws Exception {
        JsonNode identify = json.readTree(encoder.encode(
                TallyMessage.identify().userId("u1").trait("name", "Ada").build(), "m-2", NOW).json());
        JsonNode alias = json.readTree(encoder.encode(
                TallyMessage.alias("anon-1").userId("u1").build(), "m-3", NOW).json());

        assertThat(identify.path("traits").path("name").asText()).isEqualTo("Ada");
        assertThat(identify.has("properties")).isFalse();
        assertThat(alias.path("previousId").asText()).isEqualTo("anon-1");
        assertThat(alias.has("properties")).isFalse();
        assertThat(alias.has("traits")).isFalse();
    }

    @Test
    void writesJavaTimeValuesAsIsoStrings() throws Exception {
        TallyMessage message = TallyMessage.track("Booked").userId("u1")
                .property("at", Instant.parse("2024-01-01T00:00:00Z"))
                .property("day", LocalDate.of(2024, 2, 29))
                .build();

        JsonNode properties = json.readTree(encoder.encode(message, "m-4", NOW).json()).path("properties");

        assertThat(properties.path("at").asText()).isEqualTo("2024-01-01T00:00:00Z");
        assertThat(properties.path("day").asText()).isEqualTo("2024-02-29");
    }

    @Test
    void refusesMessagesOverThirtyTwoKibibytes() {
        TallyMessage big = TallyMessage.track("Big").userId("u1").property("pad", "x".repeat(33_000)).build();

        assertThatIllegalArgumentException()
                .isThrownBy(() -> encoder.encode(big, "m-5", NOW))
                .withMessageContaining("limit is 32768 bytes");
    }

    @Test
    void refusesValuesThatAreNotJson() {
        TallyMessage odd = TallyMessage.track("Odd").userId("u1").property("thing", new Object()).build();

        assertThatIllegalArgumentException()
                .isThrownBy(() -> encoder.encode(odd, "m-6", NOW))
                .withMessageContaining("cannot be written as JSON");
    }
}
