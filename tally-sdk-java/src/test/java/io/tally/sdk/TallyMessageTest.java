package io.tally.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TallyMessageTest {

    @Test
    void needsAUserIdOrAnAnonymousId() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> TallyMessage.track("Signed Up").build())
                .withMessage("a track message needs a userId or an anonymousId");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> TallyMessage.identify().userId("  ").build())
                .withMessageContaining("userId or an anonymousId");
        assertThat(TallyMessage.track("Signed Up").anonymousId("a1").build().anonymousId()).contains("a1");
    }

    @Test
    void theConvenienceMethodsValidateAtTheCall() {
        try (TallyClient client = TallyClient.builder("key").build()) {
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> client.track(null, "Signed Up"))
                    .withMessageContaining("needs a userId or an anonymousId");
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> client.track("u1", "Uploaded", Map.of("pad", "x".repeat(40_000))))
                    .withMessageContaining("limit is 32768 bytes");
            assertThat(client.stats().enqueued()).isZero();
        }
    }

    @Test
    void anAliasNeedsAUserId() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> TallyMessage.alias("anon-1").anonymousId("anon-1").build())
                .withMessageContaining("alias message needs a userId");
    }

    @Test
    void refusesFieldsItsTypeDoesNotHave() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> TallyMessage.identify().userId("u1").property("plan", "pro").build())
                .withMessageContaining("identify message has no properties");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> TallyMessage.track("Clicked").userId("u1").trait("plan", "pro").build())
                .withMessageContaining("track message has no traits");
    }

    @Test
    void checksRequiredNames() {
        assertThatNullPointerException().isThrownBy(() -> TallyMessage.track(null)).withMessage("event is null");
        assertThatIllegalArgumentException().isThrownBy(() -> TallyMessage.page(" ")).withMessage("name must not be blank");
        assertThatIllegalArgumentException().isThrownBy(() -> TallyMessage.group("")).withMessage("groupId must not be blank");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> TallyMessage.track("x").messageId(""))
                .withMessage("messageId must not be blank");
    }

    @Test
    void copiesItsMapsAndKeepsNullValues() {
        Map<String, Object> properties = new HashMap<>();
        properties.put("coupon", null);
        TallyMessage message = TallyMessage.track("Checked Out").userId("u1").properties(properties).build();
        properties.put("later", 1);

        assertThat(message.properties()).containsOnlyKeys("coupon").containsEntry("coupon", null);
        assertThat(message.messageId()).isEmpty();
        assertThat(message.timestamp()).isEmpty();
    }
}
