package io.tally.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tally.core.ErrorCode;
import io.tally.core.TallyException;
import io.tally.kafka.KafkaConfigLog;
import io.tally.kafka.KafkaSettings;
import io.tally.kafka.KafkaTopics;
import io.tally.schema.SchemaVer;
import io.tally.schema.TrackingPlans;
import io.tally.schema.ValidationMode;
import io.tally.schema.ValidationSettings;
import io.tally.testing.TestingKafka;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/**
 * Tracking plans shared by several collectors through the config topic of a real broker: a change made
 * through one is seen by the others, racing registrations end the same way everywhere, and a collector
 * started later rebuilds the same plan from the log.
 */
class TrackingPlansOnKafkaTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void collectorsAgreeOnThePlanAndOnWhoWonARace() throws Exception {
        try (TestingKafka kafka = TestingKafka.start()) {
            KafkaSettings settings = KafkaSettings.defaults(kafka.bootstrapServers());
            KafkaTopics.ensure(settings);
            try (TrackingPlans a = open(settings); TrackingPlans b = open(settings)) {
                a.register("p", "signup", SchemaVer.parse("1-0-0"), schema("\"plan\":{\"type\":\"string\"}"));
                b.configure("p", new ValidationSettings(ValidationMode.ENFORCE, true));
                await().atMost(Duration.ofSeconds(10)).until(() -> b.plan("p").latest("signup").isPresent()
                        && a.plan("p").settings().mode() == ValidationMode.ENFORCE);

                for (int round = 1; round <= 5; round++) {
                    SchemaVer next = new SchemaVer(1, 0, round);
                    CountDownLatch go = new CountDownLatch(1);
                    CompletableFuture<Boolean> viaA = registerWhen(go, a, next, "\"a" + round + "\":{\"type\":\"string\"}");
                    CompletableFuture<Boolean> viaB = registerWhen(go, b, next, "\"b" + round + "\":{\"type\":\"string\"}");
                    go.countDown();
                    List<Boolean> won = List.of(viaA.get(), viaB.get());
                    assertThat(won).as("round " + round + ": exactly one registration of " + next + " wins").containsOnlyOnce(true);
                    await().atMost(Duration.ofSeconds(10)).until(() -> b.plan("p").version("signup", next).isPresent()
                            && a.plan("p").version("signup", next).isPresent());
                    assertThat(a.plan("p").version("signup", next).get().schema())
                            .isEqualTo(b.plan("p").version("signup", next).get().schema());
                }
                try (TrackingPlans late = open(settings)) {
                    assertThat(late.plan("p").schemas()).isEqualTo(a.plan("p").schemas());
                    assertThat(late.plan("p").settings()).isEqualTo(a.plan("p").settings());
                }
            }
        }
    }

    private static CompletableFuture<Boolean> registerWhen(CountDownLatch go, TrackingPlans plans, SchemaVer version, String extra) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                go.await();
                // every version keeps the properties of all earlier ones, so only the race decides
                plans.register("p", "signup", version, schemaWithAll(plans, extra));
                return true;
            } catch (TallyException e) {
                assertThat(e.code()).isEqualTo(ErrorCode.SCHEMA_CONFLICT);
                return false;
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    private static JsonNode schemaWithAll(TrackingPlans plans, String extra) {
        JsonNode latest = plans.plan("p").latest("signup").orElseThrow().schema();
        List<String> fields = new ArrayList<>();
        latest.path("properties").fields().forEachRemaining(f -> fields.add("\"" + f.getKey() + "\":" + f.getValue()));
        fields.add(extra);
        return schema(String.join(",", fields));
    }

    private static JsonNode schema(String properties) {
        try {
            return JSON.readTree("{\"type\":\"object\",\"properties\":{" + properties + "}}");
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static TrackingPlans open(KafkaSettings settings) {
        return new TrackingPlans(new KafkaConfigLog(settings, Duration.ofSeconds(30)), Clock.systemUTC(), Duration.ofSeconds(10));
    }
}
