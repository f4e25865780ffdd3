package io.tally.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code tally replay-rejected}: asks a running collector to replay a project's dead-lettered events
 * since a time, and shows its progress as it comes.
 */
@Command(name = "replay-rejected", mixinStandardHelpOptions = true,
        description = {"Validates a project's dead-lettered events again, against the tracking plan as it is now, "
                + "and sends those that pass through the normal path. Each is stored once, however often you replay.",
                "",
                "Events that still fail stay in the dead-letter topic; the summary says why, per reason.",
                ""})
final class ReplayRejectedCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Option(names = "--project", required = true, description = "The project whose refused events to replay")
    String project;

    @Option(names = "--since", required = true,
            description = "Replay events refused at or after this ISO date (2026-11-01) or date-time (2026-11-01T12:00:00Z)")
    String since;

    @Option(names = "--url", defaultValue = "http://localhost:8080",
            description = "A running collector (default: ${DEFAULT-VALUE})")
    String url;

    @Option(names = "--data-dir", defaultValue = "./data",
            description = "Where to find the admin key when TALLY_ADMIN_KEY is not set (default: ${DEFAULT-VALUE})")
    Path dataDir;

    @Override
    public Integer call() throws Exception {
        String key = System.getenv("TALLY_ADMIN_KEY");
        Path keyFile = dataDir.resolve("admin.key");
        if (key == null && Files.exists(keyFile)) {
            key = Files.readString(keyFile, StandardCharsets.UTF_8).trim();
        }
        if (key == null) {
            System.err.println("tally replay-rejected: no admin key: set TALLY_ADMIN_KEY or point --data-dir at the server's data directory");
            return 2;
        }
        String body = JSON.createObjectNode().put("since", since).toString();
        HttpRequest request = HttpRequest.newBuilder(URI.create(url + "/v1/projects/" + project + "/rejected/replay"))
                .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        HttpResponse<java.io.InputStream> response;
        try {
            response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (ConnectException e) {
            System.err.println("tally replay-rejected: no collector answers at " + url + " (--url)");
            return 1;
        }
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            if (response.statusCode() != 200) {
                System.err.println("tally replay-rejected: the collector refused (" + response.statusCode() + "): " + readAll(lines));
                return 1;
            }
            System.out.println("Replaying refused events of " + project + " since " + since + "...");
            JsonNode last = null;
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                last = JSON.readTree(line);
                if (last.has("error")) {
                    System.err.println("tally replay-rejected: stopped: " + last.path("error").path("message").asText());
                    return 1;
                }
                System.out.printf("  read %,d dead-letter records, replayed %,d%n", last.path("read").asLong(), last.path("replayed").asLong());
            }
            if (last == null || !last.path("done").asBoolean()) {
                System.err.println("tally replay-rejected: the collector stopped answering before the end; replay again (nothing is duplicated)");
                return 1;
            }
            JsonNode summary = last;
            System.out.printf("Done: %,d events replayed.%n", summary.path("replayed").asLong());
            summary.path("stillRejected").fields().forEachRemaining(e -> System.out.printf("  still refused: %,d %s, e.g. %s%n",
                    e.getValue().asLong(), e.getKey(), summary.path("examples").path(e.getKey()).asText()));
            return 0;
        }
    }

    private static String readAll(BufferedReader lines) throws IOException {
        StringBuilder text = new StringBuilder();
        for (String line = lines.readLine(); line != null; line = lines.readLine()) {
            text.append(line);
        }
        return text.toString();
    }
}
