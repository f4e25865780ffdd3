package io.tally.schema.codegen;

import static java.util.Objects.requireNonNull;

import io.tally.schema.EventSchema;
import io.tally.schema.ProjectPlan;
import java.util.ArrayList;
import java.util.List;
import java.util.NavigableMap;

/**
 * The schemas that generated code describes: the newest version of each, since that is what new
 * events are checked against.
 *
 * @param identify the newest {@link EventSchema#IDENTIFY} schema, or null when the plan has none
 * @param events the newest schema of every track event, sorted by event name
 */
record PlanSchemas(String project, EventSchema identify, List<EventSchema> events) {
    PlanSchemas {
        requireNonNull(project, "project is null");
        events = List.copyOf(events);
    }

    static PlanSchemas of(ProjectPlan plan) {
        requireNonNull(plan, "plan is null");
        EventSchema identify = null;
        List<EventSchema> events = new ArrayList<>();
        for (NavigableMap<?, EventSchema> versions : plan.schemas().values()) {
            EventSchema latest = versions.lastEntry().getValue();
            if (EventSchema.IDENTIFY.equals(latest.event())) {
                identify = latest;
            } else {
                events.add(latest);
            }
        }
        return new PlanSchemas(plan.project(), identify, events);
    }
}
