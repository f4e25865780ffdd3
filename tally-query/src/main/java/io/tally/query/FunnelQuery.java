package io.tally.query;

import static java.util.Objects.requireNonNull;

import io.tally.core.query.FunnelSpec;
import java.time.ZoneId;

/** A validated funnel question: the store's spec plus the zone its dates were read in. */
public record FunnelQuery(FunnelSpec spec, ZoneId zone) {
    public FunnelQuery {
        requireNonNull(spec, "spec is null");
        requireNonNull(zone, "zone is null");
    }
}
