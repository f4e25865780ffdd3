package io.tally.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tally.core.ErrorCode;
import io.tally.core.TallyException;
import io.tally.core.event.EventType;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Registration rules, evolution checks and validation verdicts, on an in-process config log. */
class TrackingPlansTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String V100 = """
            {"type":"object","properties":{"plan":{"type":"string","enum":["free","pro"]},"seats":{"type":"integer","minimum":1}},
             "required":["plan"]}""";
    private static final String V101 = """
            {"type":"object","properties":{"plan":{"type":"string","enum":["free","pro","team"]},"seats":{"type":"number","minimum":1},
             "coupon":{"type":"string"}},"required":["plan"]}""";

    private final TrackingPlans plans = new TrackingPlans(new LocalConfigLog(), Clock.systemUTC(), Duration.ofSeconds(1));

    @Test
    void eventsValidUnderOneZeroZeroStayValidUnderAnAddition() {
        register("signup", "1-0-0", V100);
        plans.configure("p", new ValidationSettings(ValidationMode.ENFORCE, false));
        assertThat(check("signup", "{\"plan\":\"pro\",\"seats\":3}").outcome()).isEqualTo(Verdict.Outcome.VALID);
        assertThat(check("signup", "{\"plan\":\"pro\",\"seats\":3}").schema()).isEqualTo("signup@1-0-0");

        assertThat(plans.register("p", "signup", SchemaVer.parse("1-0-1"), json(V101)).created()).isTrue();
        Verdict old = check("signup", "{\"plan\":\"pro\",\"seats\":3}");
        Verdict added = check("signup", "{\"plan\":\"team\",\"seats\":2.5,\"coupon\":\"X\"}");
        assertThat(old.outcome()).isEqualTo(Verdict.Outcome.VALID);
        assertThat(added.outcome()).isEqualTo(Verdict.Outcome.VALID);
        assertThat(added.schema()).isEqualTo("signup@1-0-1");
    }

    @Test
    void violationsNameTheFieldAndTheSchemaVersion() {
        register("signup", "1-0-0", V100);
        plans.configure("p", new ValidationSettings(ValidationMode.ENFORCE, false));
        Verdict verdict = check("signup", "{\"plan\":\"gold\",\"seats\":0}");
        assertThat(verdict.refuses()).isTrue();
        assertThat(verdict.violations()).hasSize(2);
        assertThat(verdict.reason()).startsWith("signup@1-0-0: ").contains("/plan: does not have a value in the enumeration").contains("/seats");
        assertThat(check("signup", "{}").reason()).contains("plan");
    }

    @Test
    void warnAcceptsAndUnknownEventsFollowTheSetting() {
        register("signup", "1-0-0", V100);
        plans.configure("p", new ValidationSettings(ValidationMode.WARN, false));
        assertThat(check("signup", "{\"plan\":1}").warns()).isTrue();
        assertThat(check("signup", "{\"plan\":1}").refuses()).isFalse();
        assertThat(check("checkout", "{}").outcome()).isEqualTo(Verdict.Outcome.UNCHECKED);
        plans.configure("p", new ValidationSettings(ValidationMode.ENFORCE, true));
        Verdict unknown = check("checkout", "{}");
        assertThat(unknown.outcome()).isEqualTo(Verdict.Outcome.UNKNOWN_EVENT);
        assertThat(unknown.refuses()).isTrue();
        assertThat(unknown.reason()).contains("'checkout' is not in the tracking plan");
        // page, screen, group and alias are outside the plan
        assertThat(plans.check("p", EventType.PAGE, "$pageview", "{}").outcome()).isEqualTo(Verdict.Outcome.UNCHECKED);
        plans.configure("p", ValidationSettings.OFF);
        assertThat(check("checkout", "{}").outcome()).isEqualTo(Verdict.Outcome.UNCHECKED);
    }

    @Test
    void identifyTraitsAreCheckedAgainstTheIdentifySchema() {
        register(EventSchema.IDENTIFY, "1-0-0", "{\"type\":\"object\",\"properties\":{\"email\":{\"type\":\"string\"}}}");
        plans.configure("p", new ValidationSettings(ValidationMode.ENFORCE, false));
        assertThat(plans.check("p", EventType.IDENTIFY, "$identify", "{\"email\":5}").refuses()).isTrue();
        assertThat(plans.check("p", EventType.IDENTIFY, "$identify", "{\"email\":\"a@b.c\"}").outcome())
                .isEqualTo(Verdict.Outcome.VALID);
    }

    @Test
    void breakingChangesNeedAModelStep() {
        register("signup", "1-0-0", V100);
        assertConflict("1-0-1", """
                {"type":"object","properties":{"plan":{"type":"string","enum":["free","pro"]},"seats":{"type":"integer","minimum":1},
                 "coupon":{"type":"string"}},"required":["plan","coupon"]}""", "'coupon' becomes required");
        assertConflict("1-1-0", """
                {"type":"object","properties":{"plan":{"type":"string","enum":["free","pro"]},"seats":{"type":"string"}},"required":["plan"]}""",
                "type narrowed");
        assertConflict("1-0-1", """
                {"type":"object","properties":{"plan":{"type":"string","enum":["free","pro"]}},"required":["plan"]}""",
                "'seats' is removed");
        assertConflict("1-0-1", """
                {"type":"object","properties":{"plan":{"type":"string","enum":["pro"]},"seats":{"type":"integer","minimum":1}},"required":["plan"]}""",
                "no longer allows the values [\"free\"]");
        assertConflict("1-0-1", """
                {"type":"object","properties":{"plan":{"type":"string","enum":["free","pro"]},"seats":{"type":"integer","minimum":1}},
                 "required":["plan"],"additionalProperties":false}""", "additionalProperties");
        // the same break is fine as a new model
        assertThat(plans.register("p", "signup", SchemaVer.parse("2-0-0"), json("""
                {"type":"object","properties":{"plan":{"type":"string"}},"required":["plan","coupon"]}""")).created()).isTrue();
    }

    @Test
    void versionsAreImmutableAndMustBeTheNextOne() {
        register("signup", "1-0-0", V100);
        assertThat(plans.register("p", "signup", SchemaVer.parse("1-0-0"), json(V100)).created()).isFalse();
        assertConflict("1-0-0", V101, "already registered");
        assertConflict("1-0-2", V101, "the next version is 1-0-1 (addition), 1-1-0 (revision) or 2-0-0 (model), not 1-0-2");
        assertThat(plans.plan("p").schemas().get("signup")).hasSize(1);
    }

    @Test
    void schemasTallyCannotApplyAreRefused() {
        assertInvalid("[1]", "must be a JSON object");
        assertInvalid("{\"type\":\"string\"}", "'type' must be \"object\"");
        assertInvalid("{\"type\":\"object\",\"properties\":{\"a\":{\"$ref\":\"http://evil.example/s.json\"}}}", "only references inside");
        assertInvalid("{\"type\":\"object\",\"$id\":\"urn:x\"}", "'$id' is not supported");
        assertInvalid("{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"strin\"}}}", "/properties/a/type");
        assertInvalid("{\"type\":\"object\",\"minProperties\":-1}", "minProperties");
    }

    private void register(String event, String version, String schema) {
        assertThat(plans.register("p", event, SchemaVer.parse(version), json(schema)).created()).isTrue();
    }

    private Verdict check(String event, String properties) {
        return plans.check("p", EventType.TRACK, event, properties);
    }

    private void assertConflict(String version, String schema, String message) {
        assertThatThrownBy(() -> plans.register("p", "signup", SchemaVer.parse(version), json(schema)))
                .isInstanceOfSatisfying(TallyException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.SCHEMA_CONFLICT))
                .hasMessageContaining(message);
    }

    private void assertInvalid(String schema, String message) {
        assertThatThrownBy(() -> plans.register("p", "x", SchemaVer.parse("1-0-0"), json(schema)))
                .isInstanceOfSatisfying(TallyException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_SCHEMA))
                .hasMessageContaining(message);
    }

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }
}
