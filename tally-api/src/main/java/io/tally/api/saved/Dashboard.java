package io.tally.api.saved;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.List;

/** A page of saved insights, shown in the order of {@code insightIds}. */
public record Dashboard(String id, String name, List<String> insightIds, Instant updatedAt) {
    public Dashboard {
        SavedIds.check(id);
        requireNonNull(name, "name is null");
        insightIds = List.copyOf(requireNonNull(insightIds, "insightIds is null"));
        requireNonNull(updatedAt, "updatedAt is null");
    }
}
