package io.tally.core.query;

/**
 * One step of a funnel: the people whose best chain reached it, and the median (upper) and average
 * seconds from the previous step over those chains (0 for step 1 and for unordered funnels).
 */
public record FunnelStepResult(long count, double medianSecondsFromPrevious, double averageSecondsFromPrevious) {
}
