package io.tally.schema.codegen;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs npm's {@code tsc}, the version pinned in this module's package.json and lock file. The first
 * use installs it with {@code npm ci} into this module's node_modules (git-ignored). When Node.js or
 * npm is missing, or the install fails, the test fails with what to do: the TypeScript checks are
 * part of the suite and must not be skipped silently.
 */
final class TypeScriptCompiler {
    private static final Pattern ERROR = Pattern.compile("^(.+)\\((\\d+),(\\d+)\\): error (TS\\d+): (.*)$");
    private static Path tsc;

    private TypeScriptCompiler() {
    }

    /** What tsc said. */
    record Result(int exitCode, String output) {
        List<Diagnostic> errors() {
            List<Diagnostic> out = new ArrayList<>();
            for (String line : output.split("\n")) {
                Matcher m = ERROR.matcher(line.strip());
                if (m.matches()) {
                    out.add(new Diagnostic(Path.of(m.group(1)).getFileName().toString(), Integer.parseInt(m.group(2)),
                            m.group(4), m.group(5)));
                }
            }
            return out;
        }
    }

    /** One error: the file's name, the 1-based line, the TS code and the message. */
    record Diagnostic(String file, int line, String code, String message) {
    }

    /** Type-checks the files as strict ES modules, emitting nothing. */
    static Result check(Path... files) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(compiler().toString(), "--strict", "--noEmit", "--pretty", "false",
                "--target", "es2020", "--module", "es2020", "--moduleResolution", "bundler", "--lib", "es2020"));
        for (Path file : files) {
            command.add(file.toString());
        }
        return run(command, files[0].getParent(), 180);
    }

    private static synchronized Path compiler() throws IOException, InterruptedException {
        if (tsc == null) {
            Path module = moduleDir();
            Path binary = module.resolve("node_modules/.bin/tsc");
            if (!Files.isExecutable(binary)) {
                install(module);
            }
            if (!Files.isExecutable(binary)) {
                throw new AssertionError("npm ci ran but " + binary + " is still missing");
            }
            tsc = binary;
        }
        return tsc;
    }

    private static void install(Path module) throws IOException, InterruptedException {
        Result npm;
        try {
            npm = run(List.of("npm", "ci", "--no-audit", "--no-fund"), module, 600);
        } catch (IOException e) {
            throw new AssertionError("the TypeScript tests need Node.js and npm to install the TypeScript compiler ("
                    + "Debian: apt-get install nodejs npm; .ci/run does that), but npm could not be started: " + e.getMessage(), e);
        }
        if (npm.exitCode() != 0) {
            throw new AssertionError("npm ci in " + module + " could not install the TypeScript compiler (exit "
                    + npm.exitCode() + "); is the npm registry reachable?\n" + npm.output());
        }
    }

    private static Result run(List<String> command, Path dir, int timeoutSeconds) throws IOException, InterruptedException {
        // output goes to a file, so a chatty process cannot block on a full pipe while we wait for it
        Path log = Files.createTempFile("tally-tsc", ".log");
        try {
            Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                throw new AssertionError(String.join(" ", command) + " did not finish in " + timeoutSeconds + " s:\n"
                        + Files.readString(log, StandardCharsets.UTF_8));
            }
            return new Result(process.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(log);
        }
    }

    /** tally-schema itself: where package.json is, two levels above target/test-classes. */
    private static Path moduleDir() {
        try {
            Path classes = Path.of(TypeScriptCompiler.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path module = classes.getParent().getParent();
            if (!Files.isRegularFile(module.resolve("package.json"))) {
                throw new AssertionError("no package.json in " + module + ", where the TypeScript compiler is pinned");
            }
            return module;
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
