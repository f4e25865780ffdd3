package io.tally.api.saved;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The JSON shape of insights and dashboards, the same in API answers and in saved files, so that a
 * file can be read by anyone who knows the API:
 * {@code {"id", "name", "query": {...}, "chart", "updatedAt"}} and
 * {@code {"id", "name", "insights": ["id", ...], "updatedAt"}}.
 */
public final class LibraryJson {
    /** The version of the file layout; a newer one is refused rather than half understood. */
    static final int FILE_VERSION = 1;
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private LibraryJson() {
    }

    /** An insight as the API answers it and a saved file holds it. */
    public static ObjectNode render(Insight insight) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("id", insight.id());
        node.put("name", insight.name());
        node.set("query", parseObject(insight.query()));
        if (insight.chart() != null) {
            node.put("chart", insight.chart());
        }
        node.put("updatedAt", insight.updatedAt().toString());
        return node;
    }

    /** A dashboard as the API answers it and a saved file holds it. */
    public static ObjectNode render(Dashboard dashboard) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("id", dashboard.id());
        node.put("name", dashboard.name());
        ArrayNode ids = node.putArray("insights");
        dashboard.insightIds().forEach(ids::add);
        node.put("updatedAt", dashboard.updatedAt().toString());
        return node;
    }

    static ObjectNode file(ProjectLibrary library) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("version", FILE_VERSION);
        ArrayNode insights = root.putArray("insights");
        library.insights().forEach(i -> insights.add(render(i)));
        ArrayNode dashboards = root.putArray("dashboards");
        library.dashboards().forEach(d -> dashboards.add(render(d)));
        return root;
    }

    /** Reads a saved file; throws {@link IllegalArgumentException} saying what is wrong with it. */
    static ProjectLibrary parseFile(JsonNode root) {
        if (!root.isObject()) {
            throw new IllegalArgumentException("not a JSON object");
        }
        int version = root.path("version").asInt(-1);
        if (version != FILE_VERSION) {
            throw new IllegalArgumentException("file version " + root.path("version") + "; this Tally reads version " + FILE_VERSION);
        }
        List<Insight> insights = new ArrayList<>();
        for (JsonNode i : root.path("insights")) {
            insights.add(new Insight(text(i, "id"), text(i, "name"), object(i, "query").toString(),
                    i.hasNonNull("chart") ? i.get("chart").asText() : null, Instant.parse(text(i, "updatedAt"))));
        }
        List<Dashboard> dashboards = new ArrayList<>();
        for (JsonNode d : root.path("dashboards")) {
            List<String> ids = new ArrayList<>();
            d.path("insights").forEach(id -> ids.add(id.asText()));
            dashboards.add(new Dashboard(text(d, "id"), text(d, "name"), ids, Instant.parse(text(d, "updatedAt"))));
        }
        return new ProjectLibrary(insights, dashboards);
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual()) {
            throw new IllegalArgumentException("'" + field + "' is missing or not text in " + node);
        }
        return value.asText();
    }

    private static JsonNode object(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isObject()) {
            throw new IllegalArgumentException("'" + field + "' is missing or not an object in " + node);
        }
        return value;
    }

    private static ObjectNode parseObject(String json) {
        try {
            return (ObjectNode) MAPPER.readTree(json);
        } catch (JsonProcessingException | ClassCastException e) {
            // only validated queries are saved, so this is a bug rather than bad input
            throw new IllegalStateException("a saved query is not a JSON object: " + json, e);
        }
    }
}
