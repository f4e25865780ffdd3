package io.tally.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import io.tally.core.ErrorCode;
import io.tally.core.TallyException;

/**
 * The one place where error codes become HTTP statuses. Every error body has the same shape:
 * {@code {"error": {"code": "...", "message": "...", "field": "...", "index": 3}}}; retryable errors
 * carry {@code Retry-After}.
 */
public final class ErrorResponses {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    /** Seconds a client should wait before retrying a retryable failure. */
    public static final int RETRY_AFTER_SECONDS = 1;

    private ErrorResponses() {
    }

    public static int status(ErrorCode code) {
        return switch (code) {
            case INVALID_JSON, INVALID_REQUEST, INVALID_EVENT, INVALID_QUERY, SCHEMA_VIOLATION, UNKNOWN_EVENT, INVALID_SCHEMA -> 400;
            case SCHEMA_CONFLICT -> 409;
            case UNAUTHORIZED -> 401;
            case FORBIDDEN -> 403;
            case NOT_FOUND -> 404;
            case EVENT_TOO_LARGE, BODY_TOO_LARGE, COMPRESSION_RATIO_EXCEEDED -> 413;
            case UNSUPPORTED_ENCODING -> 415;
            case OVERLOADED, LOG_UNAVAILABLE, STORE_UNAVAILABLE -> 503;
            case INTERNAL -> 500;
        };
    }

    public static ObjectNode body(ErrorCode code, String message, String field, Integer index) {
        ObjectNode root = MAPPER.createObjectNode();
        ObjectNode error = root.putObject("error");
        error.put("code", code.wireName());
        error.put("message", message);
        if (field != null) {
            error.put("field", field);
        }
        if (index != null) {
            error.put("index", index);
        }
        return root;
    }

    public static void send(Context ctx, TallyException e) {
        send(ctx, e.code(), e.getMessage(), e.field().orElse(null), null);
    }

    public static void send(Context ctx, ErrorCode code, String message, String field, Integer index) {
        ctx.status(status(code));
        if (code.retryable()) {
            ctx.header("Retry-After", String.valueOf(RETRY_AFTER_SECONDS));
        }
        if (status(code) == 401) {
            ctx.header("WWW-Authenticate", "Basic realm=\"tally\"");
        }
        ctx.contentType("application/json");
        ctx.result(body(code, message, field, index).toString());
    }
}
