/**
 * Tally's Java client: send product events to a Tally collector (or any server that speaks the
 * Segment HTTP Tracking API).
 *
 * <p>Start with {@link io.tally.sdk.TallyClient#builder(String)}. Calls such as
 * {@link io.tally.sdk.TallyClient#track(String, String)} only serialize the message and put it
 * into a bounded buffer; one background thread sends batches, gzipped, with retries that reuse
 * each message's {@code messageId}, so the server stores every message once.
 *
 * <p>Classes in {@code io.tally.sdk.internal} are not part of the API and may change in any release.
 */
package io.tally.sdk;
