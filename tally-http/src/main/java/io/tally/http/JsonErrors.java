package io.tally.http;

import com.fasterxml.jackson.core.JsonProcessingException;

/** Turns Jackson's parse errors into one short sentence for API users. */
public final class JsonErrors {
    private JsonErrors() {
    }

    public static String describe(JsonProcessingException e) {
        String message = e.getOriginalMessage() == null ? "unreadable JSON" : e.getOriginalMessage();
        // Jackson appends source descriptions that say nothing to a caller of an HTTP API
        message = message.replaceAll("\\s*\\(start marker at \\[Source:[^\\]]*\\][^)]*\\)", "")
                .replaceAll("\\s*at \\[Source:[^\\]]*\\]", "")
                .replaceAll("\\s*\\[Source:[^\\]]*\\]", "");
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
