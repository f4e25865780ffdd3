package io.tally.schema.codegen;

import io.tally.schema.EventSchema;
import io.tally.schema.ProjectPlan;
import io.tally.schema.codegen.JavaDeclaration.Component;
import io.tally.schema.codegen.JavaDeclaration.RecordSpec;
import io.tally.schema.codegen.JavaTrackerWriter.TrackedEvent;
import io.tally.schema.codegen.SchemaReader.ReadSchema;
import io.tally.schema.codegen.SchemaType.Named;
import io.tally.schema.codegen.SchemaType.ObjectOf;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Writes a tracking plan as Java 17 sources in one package: a record per event holding its
 * properties ({@code "Order Completed"} gives {@code OrderCompleted}), {@code IdentifyTraits} for
 * identify traits, and {@code TypedTally}, which sends them through the Java SDK's
 * {@code TallyClient} with one method per event ({@code orderCompleted(userId, properties)}).
 *
 * <p>Each record describes the newest version of its event's schema. Integers are {@code long},
 * numbers {@code double} (boxed where a property may be missing or null), lists {@code List}, nested
 * objects nested records, string enums enums; what Java cannot express becomes {@code Object} with
 * a note in the Javadoc. A record refuses to be built without a required property, and its
 * {@code toProperties()} gives the map that is sent, leaving out optional properties that are null.
 */
public final class JavaGenerator {
    private static final String IDENTIFY_TRAITS = "IdentifyTraits";
    private static final List<String> IMPORTS = List.of("java.util.ArrayList", "java.util.Collections",
            "java.util.LinkedHashMap", "java.util.List", "java.util.Map", "java.util.Objects");

    private final String packageName;

    /**
     * @param packageName the package of the generated sources, e.g. {@code com.acme.events}
     * @throws IllegalArgumentException when it is not a Java package name
     */
    public JavaGenerator(String packageName) {
        this.packageName = JavaNames.requirePackage(packageName);
    }

    /**
     * The sources for the plan's newest schemas, with paths under a source root
     * ({@code com/acme/events/OrderCompleted.java}); never fails on a schema the registry accepted.
     */
    public List<GeneratedFile> generate(ProjectPlan plan) {
        PlanSchemas schemas = PlanSchemas.of(plan);
        // file names: names differing only in case would clash on case-insensitive file systems
        NameAllocator typeNames = new NameAllocator(JavaNames.TYPES, true);
        typeNames.claim(JavaTrackerWriter.CLASS_NAME);
        NameAllocator methodNames = new NameAllocator(JavaNames.MEMBERS, false);
        methodNames.claim("client");
        methodNames.claim("identify");

        List<GeneratedFile> files = new ArrayList<>();
        String identifyRecord = null;
        if (schemas.identify() != null) {
            identifyRecord = typeNames.allocate(IDENTIFY_TRAITS);
            files.add(recordFile(schemas.project(), schemas.identify(), identifyRecord));
        }
        List<TrackedEvent> tracked = new ArrayList<>();
        for (EventSchema schema : schemas.events()) {
            String record = typeNames.allocate(Names.pascal(schema.event(), "Event"));
            files.add(recordFile(schemas.project(), schema, record));
            tracked.add(new TrackedEvent(methodNames.allocate(Names.camel(schema.event(), "event")), record,
                    schema.event(), schema.version().toString()));
        }
        String tracker = new JavaTrackerWriter().write(packageName, schemas.project(), tracked, identifyRecord,
                schemas.identify() == null ? null : schemas.identify().version().toString());
        files.add(new GeneratedFile(path(JavaTrackerWriter.CLASS_NAME), tracker));
        return files;
    }

    private GeneratedFile recordFile(String project, EventSchema schema, String name) {
        ReadSchema read = SchemaReader.read(schema.schema());
        boolean identify = EventSchema.IDENTIFY.equals(schema.event());
        String summary = (identify ? "Traits of identify calls" : "Properties of the event \"" + schema.event() + "\"")
                + ", schema " + schema.version() + ".";

        // a document that is only a $ref to an object definition is that object
        String rootPointer = read.root() instanceof Named named && !named.isRoot()
                && read.definition(named).type() instanceof ObjectOf ? named.pointer() : null;
        JavaTypeMapper mapper = new JavaTypeMapper(read, name, rootPointer);
        SchemaType rootType = rootPointer == null ? read.root() : read.definition((Named) read.root()).type();
        RecordSpec top = rootType instanceof ObjectOf object
                ? mapper.topLevel(object, summary, read.description())
                : freeForm(name, summary, read.description(), rootType instanceof SchemaType.Unknown u ? u.why() : null);

        List<String> constants = new ArrayList<>();
        if (!identify) {
            constants.add("/** The event name as sent. */");
            constants.add("public static final String EVENT = " + SourceText.javaString(schema.event()) + ";");
        }
        constants.add("/** The version of the schema this record was generated from. */");
        constants.add("public static final String SCHEMA_VERSION = \"" + schema.version() + "\";");

        SourceWriter body = new SourceWriter("    ");
        new JavaRecordWriter(body).record(top, constants, mapper.declarations());
        SourceWriter file = new SourceWriter("    ");
        file.line("// Generated by Tally (tally schema java) from the tracking plan of project "
                + SourceText.javaString(project) + ". Do not edit: change the schemas and generate again.");
        file.line("package " + packageName + ";").blank();
        List<String> imports = IMPORTS.stream().filter(i -> uses(body.toString(), i.substring(i.lastIndexOf('.') + 1))).toList();
        imports.forEach(i -> file.line("import " + i + ";"));
        if (!imports.isEmpty()) {
            file.blank();
        }
        return new GeneratedFile(path(name), file + body.toString());
    }

    /** The record of a schema that is not an object with properties: it carries the properties map as it is. */
    private static RecordSpec freeForm(String name, String summary, String description, String why) {
        JavaType map = new JavaType("Map<String, Object>", "Map<String, Object>", null, JavaType.Copy.MAP,
                "the schema is not expressed as a record" + (why == null || why.isEmpty() ? "" : ": " + why));
        Component properties = new Component("properties", "properties", map, true, false, "all properties, as sent");
        return new RecordSpec(name, List.of(properties), summary, description, true);
    }

    private static boolean uses(String source, String simpleName) {
        return Pattern.compile("\\b" + simpleName + "\\b").matcher(source).find();
    }

    private String path(String typeName) {
        return packageName.replace('.', '/') + "/" + typeName + ".java";
    }
}
