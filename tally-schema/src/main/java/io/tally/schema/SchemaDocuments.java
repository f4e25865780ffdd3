package io.tally.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import io.tally.core.ErrorCode;
import io.tally.core.TallyException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Checks that a schema sent for registration is one Tally can apply, and compiles it.
 *
 * <p>Only self-contained JSON Schema 2020-12 documents are taken: a {@code $ref} must point inside the
 * document ({@code #...}), so validating an event never fetches anything over the network, and
 * {@code $id} is refused because the validator would cache schemas by it across projects.
 */
final class SchemaDocuments {
    private static final String DIALECT = SpecificationVersion.DRAFT_2020_12.getDialectId();
    private static final int MAX_VIOLATIONS = 10;

    private final SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12,
            builder -> builder.schemaCacheEnabled(false));
    private final Schema metaSchema = registry.getSchema(SchemaLocation.of(DIALECT));

    /** Refuses with {@code INVALID_SCHEMA} and the reasons when {@code document} is not acceptable. */
    void check(JsonNode document) {
        if (document == null || !document.isObject()) {
            throw invalid("a schema must be a JSON object");
        }
        if (document.has("$schema") && !DIALECT.equals(document.get("$schema").asText())) {
            throw invalid("'$schema' must be " + DIALECT + " (or absent), not " + document.get("$schema"));
        }
        JsonNode type = document.get("type");
        if (type == null || !"object".equals(type.asText())) {
            throw invalid("the schema describes the properties object, so its 'type' must be \"object\"");
        }
        List<String> problems = new ArrayList<>();
        findForbidden(document, "", problems);
        for (Error error : metaSchema.validate(document)) {
            problems.add(describe(error));
        }
        if (!problems.isEmpty()) {
            throw invalid(String.join("; ", problems));
        }
    }

    Schema compile(JsonNode document) {
        return registry.getSchema(document);
    }

    /** At most ten violations, each naming the field as a JSON pointer, e.g. {@code /plan: does not have a value in the enumeration}. */
    static List<String> violations(Schema schema, JsonNode instance) {
        List<Error> errors = schema.validate(instance);
        List<String> out = new ArrayList<>(Math.min(errors.size(), MAX_VIOLATIONS + 1));
        for (Error error : errors) {
            if (out.size() == MAX_VIOLATIONS) {
                out.add("and " + (errors.size() - MAX_VIOLATIONS) + " more");
                break;
            }
            out.add(describe(error));
        }
        return out;
    }

    private static String describe(Error error) {
        String message = error.getMessage();
        String location = String.valueOf(error.getInstanceLocation());
        return message.startsWith(location) ? message : location + ": " + message;
    }

    private static void findForbidden(JsonNode node, String path, List<String> problems) {
        if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                String here = path + "/" + field.getKey();
                if ("$id".equals(field.getKey()) && field.getValue().isTextual()) {
                    problems.add(here + ": '$id' is not supported; Tally names schemas by project, event and version");
                } else if (("$ref".equals(field.getKey()) || "$dynamicRef".equals(field.getKey()))
                        && field.getValue().isTextual() && !field.getValue().asText().startsWith("#")) {
                    problems.add(here + ": only references inside the schema ('#/...') are allowed, not " + field.getValue());
                }
                findForbidden(field.getValue(), here, problems);
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                findForbidden(node.get(i), path + "/" + i, problems);
            }
        }
    }

    private static TallyException invalid(String message) {
        return new TallyException(ErrorCode.INVALID_SCHEMA, message);
    }
}
