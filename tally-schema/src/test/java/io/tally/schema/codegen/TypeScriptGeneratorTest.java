package io.tally.schema.codegen;

import static org.assertj.core.api.Assertions.assertThat;

import io.tally.schema.ProjectPlan;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TypeScriptGeneratorTest {
    private static final String MARK = "// expect-error";

    @TempDir
    Path dir;

    @Test
    void generatedModuleAndCallsThatFitThePlanCompileStrict() throws Exception {
        Path module = write(new TypeScriptGenerator().generate(TestPlans.shop()), TypeScriptGenerator.FILE_NAME);
        Path usage = copyFixture("good-usage.ts");

        TypeScriptCompiler.Result result = TypeScriptCompiler.check(module, usage);

        assertThat(result.output()).as("tsc output").isEmpty();
        assertThat(result.exitCode()).isZero();
    }

    @Test
    void callsThatBreakThePlanFailToCompileEachOnItsLine() throws Exception {
        Path module = write(new TypeScriptGenerator().generate(TestPlans.shop()), TypeScriptGenerator.FILE_NAME);
        Path usage = copyFixture("bad-usage.ts");
        List<String> lines = Files.readAllLines(usage);
        Set<Integer> marked = IntStream.range(0, lines.size()).filter(i -> lines.get(i).contains(MARK))
                .mapToObj(i -> i + 1).collect(Collectors.toCollection(TreeSet::new));

        TypeScriptCompiler.Result result = TypeScriptCompiler.check(module, usage);

        assertThat(result.exitCode()).as("tsc exit code\n" + result.output()).isNotZero();
        assertThat(result.errors()).as(result.output()).allSatisfy(e -> assertThat(e.file()).isEqualTo("bad-usage.ts"));
        Set<Integer> failing = result.errors().stream().map(TypeScriptCompiler.Diagnostic::line)
                .collect(Collectors.toCollection(TreeSet::new));
        assertThat(failing).as("lines with errors\n" + result.output()).isEqualTo(marked);
        assertThat(marked).hasSize(10);
    }

    @Test
    void describesEachEventByItsNewestSchema() {
        String ts = new TypeScriptGenerator().generate(TestPlans.shop());

        assertThat(ts).contains("""
                /**
                 * Properties of the event "Order Completed", schema 1-0-1.
                 *
                 * A customer paid for an order.
                 */
                export interface OrderCompletedProperties {
                  /** The order's id in the shop. */
                  order_id: string;
                  total: number;
                  currency: "EUR" | "USD" | "GBP";
                  items?: Array<{
                    sku: string;
                    quantity: number;
                  }>;
                  /** Added in 1-0-1: the coupon code, null when none was used. */
                  coupon?: string | null;
                  [key: string]: unknown;
                }
                """);
        assertThat(ts).contains("\"Order Completed\": OrderCompletedProperties;", "\"Order-Completed\": OrderCompletedProperties2;",
                "\"class\": ClassProperties;", "\"2FA Enabled\": _2faEnabledProperties;");
    }

    @Test
    void namedDefinitionsBecomeNamedTypesAndUnexpressedKeywordsAreMarked() {
        String ts = new TypeScriptGenerator().generate(TestPlans.shop());

        assertThat(ts).contains("  price: ProductViewedPrice;", "  category?: ProductViewedCategory;",
                "export interface ProductViewedCategory {", "  parent?: ProductViewedCategory;",
                "  variant?: string | number;", "  source?: unknown /* oneOf is not expressed in generated types */;",
                "  attributes?: {\n    [key: string]: string;\n  };", "  kind?: \"physical\";", "  position?: 1 | 2 | 3;");
        // additionalProperties: false leaves out the index signature (the nested "attributes" has its own)
        String productViewed = ts.substring(ts.indexOf("export interface ProductViewedProperties"));
        assertThat(productViewed.substring(0, productViewed.indexOf("\n}"))).doesNotContain("\n  [key: string]");
    }

    @Test
    void identifyTraitsAreOptionalWhenNoneIsRequiredAndOpenWithoutASchema() {
        String withoutTraits = new TypeScriptGenerator().generate(TestPlans.of(Map.of("Signed Up",
                "{\"type\": \"object\", \"properties\": {\"plan\": {\"type\": \"string\"}}}")));

        assertThat(withoutTraits).contains("export interface IdentifyTraits {\n  [key: string]: unknown;\n}",
                "identify(userId: string, traits?: IdentifyTraits): void;");
        assertThat(new TypeScriptGenerator().generate(TestPlans.shop()))
                .contains("identify(userId: string, traits: IdentifyTraits): void;");
    }

    @Test
    void textFromSchemasCannotEndACommentOrALiteral() {
        String ts = new TypeScriptGenerator().generate(TestPlans.of(Map.of("Evil */ \"name\" \u00e9", """
                {"type": "object", "description": "ends */ here?\\nsecond line",
                 "properties": {"a\\"b": {"type": "string", "description": "*/ x"}}}""")));

        assertThat(ts).contains("Properties of the event \"Evil *\\/ \\\"name\\\" \\u00e9\", schema 1-0-0.",
                " * ends *\\/ here?\n * second line", "/** *\\/ x */", "\"a\\\"b\"?: string;",
                "\"Evil */ \\\"name\\\" \\u00e9\": EvilNameEProperties;");
    }

    private Path write(String content, String name) throws IOException {
        return Files.writeString(dir.resolve(name), content);
    }

    private Path copyFixture(String name) throws IOException {
        try (InputStream in = getClass().getResourceAsStream("/codegen/typescript/" + name)) {
            Path target = dir.resolve(name);
            Files.copy(in, target);
            return target;
        }
    }
}
