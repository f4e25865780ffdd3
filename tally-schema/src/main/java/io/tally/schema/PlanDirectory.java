package io.tally.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tally.core.TallyException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * A tracking plan kept as files, the way teams keep it in version control:
 * <pre>
 * DIR/PROJECT/validation.json           {"mode": "enforce", "unknownEvents": "reject"}   (optional)
 * DIR/PROJECT/EVENT/1-0-0.json          the JSON Schema of EVENT's properties, version 1-0-0
 * DIR/PROJECT/$identify/1-0-0.json      the JSON Schema of identify traits
 * </pre>
 * Loading registers every version in order, so the same rules apply as through the API: a file that
 * changes a registered version, or breaks earlier events without a MODEL step, stops the load with the
 * file's name in the message.
 */
public final class PlanDirectory {
    private static final ObjectMapper JSON = new ObjectMapper();

    private PlanDirectory() {
    }

    /** @return one line per file that changed the plan, for the start-up log */
    public static List<String> load(Path dir, TrackingPlans plans) {
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("schemas directory " + dir + " does not exist or is not a directory");
        }
        List<String> changes = new ArrayList<>();
        for (Path projectDir : list(dir)) {
            if (!Files.isDirectory(projectDir)) {
                continue;
            }
            String project = projectDir.getFileName().toString();
            for (Path eventDir : list(projectDir)) {
                if (Files.isDirectory(eventDir)) {
                    loadEvent(project, eventDir, plans, changes);
                }
            }
            Path validation = projectDir.resolve("validation.json");
            if (Files.isRegularFile(validation)) {
                JsonNode settings = read(validation);
                try {
                    ValidationSettings wanted = new ValidationSettings(ValidationMode.parse(settings.path("mode").asText("off")),
                            parseUnknown(settings.path("unknownEvents").asText("allow")));
                    if (!wanted.equals(plans.plan(project).settings())) {
                        plans.configure(project, wanted);
                        changes.add(validation + ": validation " + wanted.mode().wireName()
                                + (wanted.rejectUnknownEvents() ? ", unknown events rejected" : ""));
                    }
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(validation + ": " + e.getMessage(), e);
                }
            }
        }
        return changes;
    }

    private static void loadEvent(String project, Path eventDir, TrackingPlans plans, List<String> changes) {
        String event = eventDir.getFileName().toString();
        Map<SchemaVer, Path> versions = new TreeMap<>();
        for (Path file : list(eventDir)) {
            String name = file.getFileName().toString();
            if (name.endsWith(".json")) {
                try {
                    versions.put(SchemaVer.parse(name.substring(0, name.length() - 5)), file);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(file + ": the file name must be a version such as 1-0-0.json", e);
                }
            }
        }
        versions.forEach((version, file) -> {
            try {
                if (plans.register(project, event, version, read(file)).created()) {
                    changes.add(file + ": registered " + event + " " + version);
                }
            } catch (TallyException e) {
                throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
            }
        });
    }

    private static boolean parseUnknown(String text) {
        return switch (text) {
            case "allow" -> false;
            case "reject" -> true;
            default -> throw new IllegalArgumentException("unknownEvents must be allow or reject, not '" + text + "'");
        };
    }

    private static JsonNode read(Path file) {
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new IllegalArgumentException(file + " is not readable JSON: " + e.getMessage(), e);
        }
    }

    private static List<Path> list(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
    }
}
