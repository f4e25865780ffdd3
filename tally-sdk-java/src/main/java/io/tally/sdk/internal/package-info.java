/**
 * The machinery behind {@link io.tally.sdk.TallyClient}: encoding, the byte-bounded buffer, the
 * delivery thread, HTTP and retries. Not part of the API.
 */
package io.tally.sdk.internal;
