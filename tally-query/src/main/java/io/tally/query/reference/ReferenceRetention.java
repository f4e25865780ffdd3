package io.tally.query.reference;

import io.tally.core.event.Event;
import io.tally.core.query.Cohort;
import io.tally.core.query.CohortType;
import io.tally.core.query.RetentionSpec;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** Retention as the "Retention" section of docs/queries.md defines it. */
final class ReferenceRetention {
    private ReferenceRetention() {
    }

    static List<Cohort> retention(RetentionSpec spec, List<Event> projectEvents) {
        People people = new People(projectEvents);
        // "The query's filters apply to both events."
        Map<String, List<Event>> starts = new TreeMap<>();
        Map<String, List<Event>> returns = new TreeMap<>();
        for (Event event : projectEvents) {
            if (EventFilters.matches(event, spec.startEvent(), spec.filters())) {
                starts.computeIfAbsent(people.personOf(event), k -> new ArrayList<>()).add(event);
            }
            if (EventFilters.matches(event, spec.returnEvent(), spec.filters())) {
                returns.computeIfAbsent(people.personOf(event), k -> new ArrayList<>()).add(event);
            }
        }
        Map<LocalDateTime, Set<String>> members = new LinkedHashMap<>();
        for (LocalDateTime label : Periods.overlapping(spec.from(), spec.to(), spec.period(), spec.zone())) {
            members.put(label, new LinkedHashSet<>());
        }
        starts.forEach((person, events) -> {
            for (LocalDateTime label : cohortsOf(spec, events)) {
                members.get(label).add(person);
            }
        });
        List<Cohort> cohorts = new ArrayList<>();
        members.forEach((label, persons) -> {
            long[] retained = new long[spec.periods() + 1];
            for (String person : persons) {
                Instant firstStart = firstStartIn(spec, label, starts.get(person));
                for (int j = 0; j <= spec.periods(); j++) {
                    if (returned(spec, label, j, firstStart, returns.getOrDefault(person, List.of()))) {
                        retained[j]++;
                    }
                }
            }
            List<Long> list = new ArrayList<>();
            for (long r : retained) {
                list.add(r);
            }
            cohorts.add(new Cohort(label, persons.size(), list));
        });
        return cohorts;
    }

    /** The labels of the cohorts a person with these start events belongs to. */
    private static Set<LocalDateTime> cohortsOf(RetentionSpec spec, List<Event> startEvents) {
        Set<LocalDateTime> labels = new LinkedHashSet<>();
        if (spec.cohortType() == CohortType.FIRST_TIME) {
            // "the cohort of the period that holds their first start event ever (over all of the project's
            // data), if that event lies in [from, to)"
            Event first = startEvents.get(0);
            for (Event event : startEvents) {
                if (event.timestamp().isBefore(first.timestamp())) {
                    first = event;
                }
            }
            if (inRange(spec, first.timestamp())) {
                labels.add(Periods.label(first.timestamp(), spec.period(), spec.zone()));
            }
        } else {
            // "every cohort whose period holds one of their start events in [from, to)"
            for (Event event : startEvents) {
                if (inRange(spec, event.timestamp())) {
                    labels.add(Periods.label(event.timestamp(), spec.period(), spec.zone()));
                }
            }
        }
        return labels;
    }

    /**
     * "the person's first start event within P": the whole period, also the part of the first period
     * before from (for first_time that part holds no start event of a member anyway).
     */
    private static Instant firstStartIn(RetentionSpec spec, LocalDateTime label, List<Event> startEvents) {
        Instant first = null;
        for (Event event : startEvents) {
            if (Periods.label(event.timestamp(), spec.period(), spec.zone()).equals(label)
                    && (first == null || event.timestamp().isBefore(first))) {
                first = event.timestamp();
            }
        }
        return first;
    }

    /**
     * "retained in period j means the person has a return event in period P + j; for j = 0 the return
     * event must be at or after the person's first start event within P. Return events count wherever
     * they fall in time."
     */
    private static boolean returned(RetentionSpec spec, LocalDateTime cohort, int j, Instant firstStart, List<Event> returnEvents) {
        LocalDateTime period = Periods.plus(cohort, spec.period(), j);
        for (Event event : returnEvents) {
            if (Periods.label(event.timestamp(), spec.period(), spec.zone()).equals(period)
                    && (j > 0 || !event.timestamp().isBefore(firstStart))) {
                return true;
            }
        }
        return false;
    }

    private static boolean inRange(RetentionSpec spec, Instant t) {
        return !t.isBefore(spec.from()) && t.isBefore(spec.to());
    }
}
