package io.tally.query.reference;

import io.tally.core.query.Breakdown;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The breakdown values that keep a series of their own: the {@code limit} biggest, "ties: smaller
 * text first" (Java's {@link String#compareTo}); every other value goes to {@link Breakdown#OTHER}.
 */
final class TopValues {
    private final Set<String> kept;

    /** @param sizes per value, what the ranking counts (events for trends, people at step 1 for funnels) */
    TopValues(Map<String, Long> sizes, int limit) {
        List<String> ranked = sizes.keySet().stream()
                .sorted(Comparator.<String>comparingLong(sizes::get).reversed().thenComparing(Comparator.naturalOrder()))
                .collect(Collectors.toList());
        this.kept = new HashSet<>(ranked.subList(0, Math.min(limit, ranked.size())));
    }

    /** The series a value belongs to: itself when kept, else {@code $other}. */
    String seriesOf(String value) {
        return kept.contains(value) ? value : Breakdown.OTHER;
    }
}
