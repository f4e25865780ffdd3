package io.tally.query.reference;

import io.tally.core.event.Event;
import io.tally.core.query.PropertyRef;
import io.tally.core.query.SeriesMath;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;

/** The value of one trend bucket: the table "math | value of a bucket" of docs/queries.md. */
final class BucketMath {
    private BucketMath() {
    }

    /**
     * The bucket's value, or empty when no event contributes (no event at all, or no numeric value for
     * the numeric math): "A bucket without events (or without numeric values) is 0", which the caller
     * fills in.
     */
    static OptionalDouble value(List<Event> events, SeriesMath math, String property) {
        if (events.isEmpty()) {
            return OptionalDouble.empty();
        }
        return switch (math) {
            case TOTAL -> OptionalDouble.of(events.size());
            case UNIQUE_USERS -> OptionalDouble.of(distinctIds(events));
            default -> numeric(numbers(events, property), math);
        };
    }

    private static int distinctIds(List<Event> events) {
        Set<String> ids = new HashSet<>();
        for (Event event : events) {
            ids.add(event.distinctId());
        }
        return ids.size();
    }

    /** "of property over the events whose property is a number (others are skipped)" */
    private static List<Double> numbers(List<Event> events, String property) {
        PropertyRef ref = new PropertyRef.EventProperty(property);
        List<Double> numbers = new ArrayList<>();
        for (Event event : events) {
            Optional<String> text = PropertyValues.text(event, ref);
            if (text.isPresent() && Numbers.isNumber(text.get())) {
                numbers.add(Numbers.value(text.get()));
            }
        }
        return numbers;
    }

    private static OptionalDouble numeric(List<Double> numbers, SeriesMath math) {
        if (numbers.isEmpty()) {
            return OptionalDouble.empty();
        }
        List<Double> sorted = new ArrayList<>(numbers);
        Collections.sort(sorted);
        return OptionalDouble.of(switch (math) {
            case SUM -> sum(numbers);
            case AVG -> sum(numbers) / numbers.size();
            case MIN -> sorted.get(0);
            case MAX -> sorted.get(sorted.size() - 1);
            case P50, P90, P99 -> sorted.get(quantileIndex(math.quantile(), sorted.size()));
            default -> throw new IllegalArgumentException(math + " is not numeric math");
        });
    }

    private static double sum(List<Double> numbers) {
        double sum = 0;
        for (double n : numbers) {
            sum += n;
        }
        return sum;
    }

    /** "the value at 0-based index floor(q·n) of the n sorted values (capped at n−1)" */
    static int quantileIndex(double q, int n) {
        return (int) Math.min(Math.floor(q * n), n - 1);
    }
}
