package io.tally.query.reference;

import io.tally.core.event.Event;
import io.tally.core.query.Breakdown;
import io.tally.core.query.TrendSpec;
import io.tally.core.spi.QueryEngine;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.TreeMap;
import java.util.function.Function;

/** Trends as the "Trends" section of docs/queries.md defines them. */
final class ReferenceTrends {
    private ReferenceTrends() {
    }

    /**
     * Per series, per bucket label, the bucket's value; buckets without contributing events are left
     * out. With a breakdown every kept value (and {@code $other} when there is something beyond the
     * limit) has an entry, even when none of its buckets has a value.
     */
    static Map<String, Map<LocalDateTime, Double>> trend(TrendSpec spec, List<Event> projectEvents) {
        // "each series counts the events named event that pass the query's filters ... in [from, to)"
        List<Event> selected = new ArrayList<>();
        for (Event event : projectEvents) {
            if (event.event().equals(spec.event()) && !event.timestamp().isBefore(spec.from())
                    && event.timestamp().isBefore(spec.to()) && EventFilters.passAll(event, spec.filters())) {
                selected.add(event);
            }
        }
        Function<Event, String> seriesOf = spec.breakdown() == null ? e -> QueryEngine.NO_BREAKDOWN : breakdown(spec.breakdown(), selected);
        Map<String, Map<LocalDateTime, List<Event>>> grouped = new TreeMap<>();
        for (Event event : selected) {
            grouped.computeIfAbsent(seriesOf.apply(event), k -> new TreeMap<>())
                    .computeIfAbsent(Periods.label(event.timestamp(), spec.interval(), spec.zone()), k -> new ArrayList<>())
                    .add(event);
        }
        Map<String, Map<LocalDateTime, Double>> result = new LinkedHashMap<>();
        if (spec.breakdown() == null) {
            result.put(QueryEngine.NO_BREAKDOWN, new TreeMap<>());
        }
        grouped.forEach((series, buckets) -> {
            Map<LocalDateTime, Double> values = result.computeIfAbsent(series, k -> new TreeMap<>());
            buckets.forEach((label, events) -> {
                OptionalDouble value = BucketMath.value(events, spec.math(), spec.property());
                if (value.isPresent()) {
                    values.put(label, value.getAsDouble());
                }
            });
        });
        return result;
    }

    /**
     * "The limit values with the most events of that series in the whole range are kept (ties: smaller
     * text first); the events of every other value form one more series, $other"; "a missing property
     * is the value $none".
     */
    private static Function<Event, String> breakdown(Breakdown breakdown, List<Event> selected) {
        Function<Event, String> valueOf = e -> PropertyValues.text(e, breakdown.property()).orElse(Breakdown.NONE);
        Map<String, Long> counts = new HashMap<>();
        for (Event event : selected) {
            counts.merge(valueOf.apply(event), 1L, Long::sum);
        }
        TopValues top = new TopValues(counts, breakdown.limit());
        return e -> top.seriesOf(valueOf.apply(e));
    }
}
