package io.tally.core;

/**
 * Every failure Tally reports has one of these codes. Whether a caller should retry follows from
 * the code alone; only the API layer maps codes to HTTP statuses.
 */
public enum ErrorCode {
    /** The request body is not well-formed JSON (truncated, invalid UTF-8, too deeply nested). */
    INVALID_JSON(false),
    /** The body is JSON but not the expected shape (a field has the wrong type, a required one is missing). */
    INVALID_REQUEST(false),
    /** One event failed validation; used per event inside a batch result. */
    INVALID_EVENT(false),
    /** One event is larger than the per-event limit. */
    EVENT_TOO_LARGE(false),
    /** The whole body is larger than the per-request limit, or decompresses beyond it. */
    BODY_TOO_LARGE(false),
    /** A compressed body expands far more than real event data does: a decompression bomb. */
    COMPRESSION_RATIO_EXCEEDED(false),
    /** The Content-Encoding is not one we understand. */
    UNSUPPORTED_ENCODING(false),
    /** No key, or a key that no project has. */
    UNAUTHORIZED(false),
    /** The key is valid but not for this project or this kind of access. */
    FORBIDDEN(false),
    /** The thing asked for does not exist. */
    NOT_FOUND(false),
    /** One event does not match the schema its project's tracking plan has for it. */
    SCHEMA_VIOLATION(false),
    /** One event's name is not in its project's tracking plan, and the plan refuses unknown events. */
    UNKNOWN_EVENT(false),
    /** A schema sent for registration is not a valid JSON Schema, or not one Tally accepts. */
    INVALID_SCHEMA(false),
    /** A new schema version would break events that the previous version accepted, or clashes with a stored one. */
    SCHEMA_CONFLICT(false),
    /** A query names an unknown kind, field or value. */
    INVALID_QUERY(false),
    /** The in-flight byte budget is spent: the caller should slow down and retry. */
    OVERLOADED(true),
    /** The event log (Kafka) did not acknowledge in time; the caller should retry. */
    LOG_UNAVAILABLE(true),
    /** The store could not be reached or did not answer; the caller should retry. */
    STORE_UNAVAILABLE(true),
    /** A bug or an unexpected state. */
    INTERNAL(false);

    private final boolean retryable;

    ErrorCode(boolean retryable) {
        this.retryable = retryable;
    }

    public boolean retryable() {
        return retryable;
    }

    /** The lower-case name used on the wire, e.g. {@code invalid_json}. */
    public String wireName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
