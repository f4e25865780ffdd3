package io.tally.core;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/** The one unchecked exception of Tally. Its {@link ErrorCode} says what went wrong and whether to retry. */
public final class TallyException extends RuntimeException {
    private final ErrorCode code;
    private final String field;

    public TallyException(ErrorCode code, String message) {
        this(code, message, null, null);
    }

    public TallyException(ErrorCode code, String message, Throwable cause) {
        this(code, message, null, cause);
    }

    /**
     * @param field the request field at fault (e.g. {@code series[0].math}), shown to the caller; may be null
     */
    public TallyException(ErrorCode code, String message, String field, Throwable cause) {
        super(requireNonNull(message, "message is null"), cause);
        this.code = requireNonNull(code, "code is null");
        this.field = field;
    }

    public static TallyException forField(ErrorCode code, String field, String message) {
        return new TallyException(code, message, field, null);
    }

    public ErrorCode code() {
        return code;
    }

    public Optional<String> field() {
        return Optional.ofNullable(field);
    }

    public boolean retryable() {
        return code.retryable();
    }
}
