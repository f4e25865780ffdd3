package io.tally.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code tally schema typescript|java}: what they write, and what they say when the plan is not there. */
class SchemaCommandTest {
    @TempDir
    Path dir;

    private Path plan;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @BeforeEach
    void writePlan() throws Exception {
        plan = dir.resolve("schemas");
        Files.createDirectories(plan.resolve("shop/Order Completed"));
        Files.writeString(plan.resolve("shop/Order Completed/1-0-0.json"), """
                {"type": "object", "properties": {"order_id": {"type": "string"}, "total": {"type": "number"}},
                 "required": ["order_id"]}""");
        Files.createDirectories(plan.resolve("empty"));
    }

    @Test
    void typescriptGoesToStandardOutputOrToAFileInTheGivenDirectory() throws Exception {
        assertThat(run("schema", "typescript", "--schemas-dir", plan.toString(), "--project", "shop")).isZero();
        assertThat(out.toString()).contains("export interface OrderCompletedProperties {", "  order_id: string;",
                "\"Order Completed\": OrderCompletedProperties;");

        Path existing = Files.createDirectories(dir.resolve("web"));
        assertThat(run("schema", "typescript", "--schemas-dir", plan.toString(), "--project", "shop", "--out", existing.toString())).isZero();
        assertThat(Files.readString(existing.resolve("tally-events.ts"))).contains("export function typed(");
        assertThat(out.toString()).contains("Wrote the types of 1 schemas of project shop to " + existing.resolve("tally-events.ts"));

        Path file = dir.resolve("app/src/events.ts");
        assertThat(run("schema", "typescript", "--schemas-dir", plan.toString(), "--project", "shop", "--out", file.toString())).isZero();
        assertThat(file).content().contains("export interface TallyEvents {");

        Path newDirectory = dir.resolve("new-dir");
        assertThat(run("schema", "typescript", "--schemas-dir", plan.toString(), "--project", "shop", "--out", newDirectory + "/")).isZero();
        assertThat(newDirectory.resolve("tally-events.ts")).exists();
    }

    @Test
    void javaGoesIntoThePackageFoldersUnderTheSourceRoot() throws Exception {
        Path sources = dir.resolve("src/main/java");

        int exit = run("schema", "java", "--schemas-dir", plan.toString(), "--project", "shop", "--out", sources.toString(),
                "--package", "com.acme.events");

        assertThat(exit).as(err.toString()).isZero();
        assertThat(Files.readString(sources.resolve("com/acme/events/OrderCompleted.java")))
                .contains("package com.acme.events;", "public record OrderCompleted(");
        assertThat(sources.resolve("com/acme/events/TypedTally.java")).exists();
        assertThat(out.toString()).contains("Wrote 2 Java sources for project shop");
    }

    @Test
    void saysWhatIsWrongWithTheOptions() {
        assertThat(run("schema", "typescript", "--schemas-dir", dir.resolve("nowhere").toString())).isEqualTo(2);
        assertThat(err.toString()).contains("--schemas-dir " + dir.resolve("nowhere") + " does not exist or is not a directory");

        assertThat(run("schema", "typescript", "--schemas-dir", plan.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("has no project 'default' (--project); it has: empty, shop");

        assertThat(run("schema", "java", "--schemas-dir", plan.toString(), "--project", "empty", "--out", dir.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("project 'empty' in " + plan + " has no schemas");

        assertThat(run("schema", "java", "--schemas-dir", plan.toString(), "--project", "shop", "--out", dir.toString(),
                "--package", "com.acme.class")).isEqualTo(2);
        assertThat(err.toString()).contains("--package 'com.acme.class' is not a Java package name");

        assertThat(run("schema", "java", "--schemas-dir", plan.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("Missing required option: '--out=DIR'");

        assertThat(run("schema")).isEqualTo(2);
        assertThat(err.toString()).contains("name what to generate: typescript or java");
    }

    @Test
    void aSchemaTheServerWouldRefuseStopsGenerationWithTheFileName() throws Exception {
        Files.createDirectories(plan.resolve("shop/Broken"));
        Files.writeString(plan.resolve("shop/Broken/1-0-0.json"), "{\"type\": \"string\"}");

        int exit = run("schema", "typescript", "--schemas-dir", plan.toString(), "--project", "shop");

        assertThat(exit).as(err.toString()).isEqualTo(2);
        assertThat(err.toString()).contains("the tracking plan cannot be loaded:", "1-0-0.json", "\"object\"");
    }

    @Test
    void everyCommandHasHelp() {
        assertThat(run("schema", "--help")).isZero();
        assertThat(out.toString()).contains("typescript", "java");
        assertThat(run("schema", "typescript", "--help")).isZero();
        assertThat(out.toString()).contains("--schemas-dir=DIR", "--project=PROJECT", "--out=FILE_OR_DIR");
        assertThat(run("schema", "java", "--help")).isZero();
        assertThat(out.toString()).contains("--package=PACKAGE", "--out=DIR");
    }

    private int run(String... args) {
        out.getBuffer().setLength(0);
        err.getBuffer().setLength(0);
        CommandLine commandLine = new CommandLine(new Main());
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        return commandLine.execute(args);
    }
}
