package io.tally.schema.codegen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.tally.sdk.TallyClient;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import javax.tools.Diagnostic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JavaGeneratorTest {
    private static final String PACKAGE_DIR = "shop/events";

    @TempDir
    Path dir;

    @Test
    void generatesOneRecordPerEventAndTheTrackerInThePackage() {
        List<GeneratedFile> files = new JavaGenerator("shop.events").generate(TestPlans.shop());

        assertThat(files).extracting(GeneratedFile::path).containsExactly(
                "shop/events/IdentifyTraits.java", "shop/events/_2faEnabled.java", "shop/events/AppOpened.java",
                "shop/events/OrderCompleted.java", "shop/events/OrderCompleted2.java", "shop/events/ProductViewed.java",
                "shop/events/Class_.java", "shop/events/TypedTally.java");
        String order = content(files, "OrderCompleted.java");
        assertThat(order).contains("package shop.events;", "public static final String EVENT = \"Order Completed\";",
                "public static final String SCHEMA_VERSION = \"1-0-1\";", "public record OrderCompleted(\n        String orderId,\n"
                        + "        double total,\n        Currency currency,\n        List<Item> items,\n        String coupon) {",
                "Objects.requireNonNull(orderId, \"order_id is required\");",
                "@param coupon \"coupon\", optional, may be null: Added in 1-0-1",
                "public enum Currency {", "public record Item(");
        assertThat(content(files, "TypedTally.java")).contains(
                "public String orderCompleted(String userId, OrderCompleted properties) {",
                "return client.track(userId, OrderCompleted.EVENT, properties.toProperties());",
                "public String orderCompleted2(String userId, OrderCompleted2 properties) {",
                "public String class_(String userId, Class_ properties) {",
                "public String identify(String userId, IdentifyTraits traits) {");
    }

    @Test
    void generatedSourcesCompileWithoutWarningsAndSendTheEventsThroughTheSdk() throws Throwable {
        Path sources = generate();
        copyFixture("UsePlan.java", sources);

        JavaSourceCompiler.Result result = JavaSourceCompiler.compile(sources, dir.resolve("classes"));

        assertThat(result.success()).as(result.output()).isTrue();
        assertThat(result.diagnostics()).as(result.output()).isEmpty();
        try (URLClassLoader loader = load()) {
            Class<?> use = loader.loadClass("shop.events.UsePlan");
            assertThat(call(use, "order")).isEqualTo(ordered(
                    "order_id", "o-1", "total", 12.5, "currency", "EUR",
                    "items", List.of(Map.of("sku", "sku-1", "quantity", 2L), Map.of("sku", "sku-2", "quantity", 1L))));
            // optional nulls are left out; "rating" may be null but is optional, so it is left out too
            Map<?, ?> product = (Map<?, ?>) call(use, "productWithNulls");
            assertThat(product.keySet().stream().map(String::valueOf).toList()).containsExactly("product id", "price", "category", "tags",
                    "variant", "in_stock", "attributes", "kind", "position", "class");

            try (CapturingCollector collector = new CapturingCollector();
                    TallyClient client = TallyClient.builder("write-key").endpoint(collector.endpoint()).gzip(false).build()) {
                use.getMethod("send", TallyClient.class).invoke(null, client);
                assertThat(client.flush(Duration.ofSeconds(20))).isTrue();

                List<JsonNode> sent = collector.messages();
                assertThat(sent).extracting(m -> m.path("type").asText() + " " + m.path("event").asText(""))
                        .containsExactly("track Order Completed", "identify ", "track 2FA Enabled", "track class", "track App Opened");
                assertThat(sent.get(0).path("userId").asText()).isEqualTo("user-1");
                assertThat(sent.get(0).path("properties").toString())
                        .isEqualTo("{\"order_id\":\"o-1\",\"total\":12.5,\"currency\":\"USD\",\"coupon\":\"WELCOME\"}");
                assertThat(sent.get(1).path("traits").toString()).isEqualTo("{\"email\":\"ada@example.com\",\"plan\":\"pro\"}");
                assertThat(sent.get(2).path("properties").toString()).isEqualTo("{\"2fa method\":\"totp\"}");
                assertThat(sent.get(3).path("properties").toString()).isEqualTo("{\"new\":true}");
            }
        }
    }

    @Test
    void aMissingRequiredPropertyIsRefusedWithItsKey() throws Exception {
        Path sources = generate();
        copyFixture("UsePlan.java", sources);
        JavaSourceCompiler.Result result = JavaSourceCompiler.compile(sources, dir.resolve("classes"));
        assertThat(result.success()).as(result.output()).isTrue();

        try (URLClassLoader loader = load()) {
            Class<?> use = loader.loadClass("shop.events.UsePlan");
            assertThatThrownBy(() -> call(use, "orderWithoutId")).isInstanceOf(NullPointerException.class)
                    .hasMessage("order_id is required");
            // a primitive component: the builder notices what the record cannot
            assertThatThrownBy(() -> call(use, "orderWithoutTotal")).isInstanceOf(NullPointerException.class)
                    .hasMessage("total is required");
            assertThatThrownBy(() -> call(use, "itemWithoutSku")).isInstanceOf(NullPointerException.class)
                    .hasMessage("sku is required");
        }
    }

    @Test
    void callsThatBreakThePlanFailToCompileEachOnItsLine() throws Exception {
        Path sources = generate();
        Path bad = copyFixture("BadUse.java", sources);
        List<String> lines = Files.readAllLines(bad);
        Set<Long> marked = IntStream.range(0, lines.size()).filter(i -> lines.get(i).contains("// expect-error"))
                .mapToObj(i -> (long) i + 1).collect(Collectors.toCollection(TreeSet::new));

        JavaSourceCompiler.Result result = JavaSourceCompiler.compile(sources, dir.resolve("classes"));

        assertThat(result.success()).isFalse();
        assertThat(result.errors()).as(result.output())
                .allSatisfy(d -> assertThat(d.getSource().getName()).endsWith("BadUse.java"));
        Set<Long> failing = result.errors().stream().map(Diagnostic::getLineNumber).collect(Collectors.toCollection(TreeSet::new));
        assertThat(failing).as(result.output()).isEqualTo(marked);
        assertThat(marked).hasSize(5);
    }

    @Test
    void refusesAPackageNameThatJavaDoesNot() {
        for (String name : List.of("", "shop..events", "shop.class", "1shop", "shop-events")) {
            assertThatThrownBy(() -> new JavaGenerator(name)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("is not a Java package name");
        }
    }

    private Path generate() throws IOException {
        Path sources = dir.resolve("src");
        for (GeneratedFile file : new JavaGenerator("shop.events").generate(TestPlans.shop())) {
            file.writeUnder(sources);
        }
        return sources;
    }

    private Path copyFixture(String name, Path sources) throws IOException {
        try (InputStream in = getClass().getResourceAsStream("/codegen/java/" + name)) {
            Path target = sources.resolve(PACKAGE_DIR).resolve(name);
            Files.copy(in, target);
            return target;
        }
    }

    private URLClassLoader load() throws IOException {
        return new URLClassLoader(new URL[] {dir.resolve("classes").toUri().toURL()}, getClass().getClassLoader());
    }

    private static Object call(Class<?> type, String method) throws Throwable {
        Method m = type.getMethod(method);
        try {
            return m.invoke(null);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    private static String content(List<GeneratedFile> files, String name) {
        return files.stream().filter(f -> f.path().endsWith("/" + name)).findFirst().orElseThrow().content();
    }

    private static Map<String, Object> ordered(Object... keysAndValues) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            out.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return out;
    }
}
