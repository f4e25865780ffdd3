package io.tally.schema.codegen;

import io.tally.sdk.TallyClient;
import java.io.IOException;
import java.io.StringWriter;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/** Compiles Java sources with the JDK's compiler against the Java SDK, as a user of generated code would. */
final class JavaSourceCompiler {
    private JavaSourceCompiler() {
    }

    /** What javac said; {@code output} has every diagnostic, one per line, for assertion messages. */
    record Result(boolean success, List<Diagnostic<? extends JavaFileObject>> diagnostics, String output) {
        List<Diagnostic<? extends JavaFileObject>> errors() {
            return diagnostics.stream().filter(d -> d.getKind() == Diagnostic.Kind.ERROR).toList();
        }
    }

    /**
     * Compiles every {@code .java} file under {@code sourceRoot} into {@code classes} for Java 17, with
     * all lint warnings on; the class path is the SDK's classes only.
     */
    static Result compile(Path sourceRoot, Path classes) throws IOException {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        if (javac == null) {
            throw new AssertionError("the tests need a JDK, not a JRE: ToolProvider has no Java compiler");
        }
        List<Path> sources;
        try (Stream<Path> files = Files.walk(sourceRoot)) {
            sources = files.filter(p -> p.toString().endsWith(".java")).toList();
        }
        Files.createDirectories(classes);
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        try (StandardJavaFileManager files = javac.getStandardFileManager(diagnostics, Locale.ROOT, null)) {
            List<String> options = List.of("--release", "17", "-Xlint:all", "-encoding", "UTF-8",
                    "-d", classes.toString(), "-classpath", sdkClasses().toString());
            StringWriter out = new StringWriter();
            boolean ok = javac.getTask(out, files, diagnostics, options, null, files.getJavaFileObjectsFromPaths(sources)).call();
            StringBuilder text = new StringBuilder(out.toString());
            diagnostics.getDiagnostics().forEach(d -> text.append(d.getKind()).append(' ')
                    .append(d.getSource() == null ? "" : Path.of(d.getSource().toUri()).getFileName()).append(':')
                    .append(d.getLineNumber()).append(": ").append(d.getMessage(Locale.ROOT)).append('\n'));
            return new Result(ok, diagnostics.getDiagnostics(), text.toString());
        }
    }

    /** Where TallyClient was loaded from: the SDK module's classes or its jar. */
    private static Path sdkClasses() {
        try {
            return Path.of(TallyClient.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
