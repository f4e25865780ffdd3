package io.tally.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tally.query.FunnelResult;
import io.tally.query.QueryMeta;
import io.tally.query.RetentionResult;
import io.tally.query.TrendsResult;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;

/** The JSON shapes of query answers; one method per kind, so each shape can be read in one place. */
final class QueryJson {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private QueryJson() {
    }

    static ObjectNode render(TrendsResult result) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("kind", "trends");
        root.put("interval", result.interval().wireName());
        root.put("timezone", result.timezone());
        ArrayNode series = root.putArray("series");
        for (TrendsResult.SeriesResult s : result.series()) {
            ObjectNode item = series.addObject();
            item.put("event", s.event());
            item.put("math", s.math());
            if (s.property() != null) {
                item.put("property", s.property());
            }
            if (s.breakdownValue() != null) {
                item.put("breakdownValue", s.breakdownValue());
            }
            times(item.putArray("buckets"), s.buckets());
            numbers(item.putArray("values"), s.values());
            if (s.previous() != null) {
                ObjectNode previous = item.putObject("previous");
                times(previous.putArray("buckets"), s.previous().buckets());
                numbers(previous.putArray("values"), s.previous().values());
            }
        }
        meta(root, result.meta());
        return root;
    }

    static ObjectNode render(FunnelResult result) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("kind", "funnel");
        root.put("order", result.order());
        root.put("windowSeconds", result.windowSeconds());
        ArrayNode groups = root.putArray("groups");
        for (FunnelResult.Group g : result.groups()) {
            ObjectNode group = groups.addObject();
            if (g.breakdownValue() != null) {
                group.put("breakdownValue", g.breakdownValue());
            }
            ArrayNode steps = group.putArray("steps");
            for (FunnelResult.Step s : g.steps()) {
                ObjectNode step = steps.addObject();
                step.put("event", s.event());
                step.put("count", s.count());
                step.put("conversionFromPrevious", round(s.conversionFromPrevious()));
                step.put("conversionFromFirst", round(s.conversionFromFirst()));
                step.put("medianSecondsFromPrevious", round(s.medianSecondsFromPrevious()));
                step.put("averageSecondsFromPrevious", round(s.averageSecondsFromPrevious()));
            }
        }
        meta(root, result.meta());
        return root;
    }

    static ObjectNode render(RetentionResult result) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("kind", "retention");
        root.put("period", result.period());
        root.put("cohort", result.cohortType());
        root.put("timezone", result.timezone());
        ArrayNode cohorts = root.putArray("cohorts");
        for (RetentionResult.Row r : result.cohorts()) {
            ObjectNode cohort = cohorts.addObject();
            cohort.put("start", r.start().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
            cohort.put("size", r.size());
            ArrayNode retained = cohort.putArray("retained");
            r.retained().forEach(retained::add);
        }
        meta(root, result.meta());
        return root;
    }

    private static void meta(ObjectNode root, QueryMeta m) {
        ObjectNode meta = root.putObject("meta");
        meta.put("store", m.store());
        meta.put("durationMs", Math.round(m.durationMillis() * 100) / 100.0);
        if (m.rowsRead() >= 0) {
            meta.put("rowsRead", m.rowsRead());
        }
        meta.put("cached", m.cached());
        meta.put("cacheAgeMs", m.cacheAgeMillis());
        if (m.completeUpTo() != null) {
            meta.put("completeUpTo", m.completeUpTo().toString());
        } else {
            meta.putNull("completeUpTo");
        }
        if (m.lagEvents() >= 0) {
            meta.put("lagEvents", m.lagEvents());
        } else {
            meta.putNull("lagEvents");
        }
    }

    private static void times(ArrayNode out, List<OffsetDateTime> times) {
        for (OffsetDateTime t : times) {
            out.add(t.format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
        }
    }

    /** Whole numbers as integers: counts read better as 12 than 12.0. */
    private static void numbers(ArrayNode out, List<Double> values) {
        for (Double v : values) {
            if (v == Math.rint(v) && Math.abs(v) < 1e15) {
                out.add(v.longValue());
            } else {
                out.add(v);
            }
        }
    }

    private static double round(double value) {
        return Math.round(value * 1e6) / 1e6;
    }
}
