package io.tally.http;

import static java.util.Objects.requireNonNull;

import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Locale;
import java.util.Optional;

/**
 * A file served from the class path, read once and kept in memory with its content type and an ETag
 * (a hash of its bytes), so a browser revalidates it with a 304 instead of downloading it again.
 *
 * @param cacheControl e.g. {@code no-cache} (always revalidate) or {@code public, max-age=3600}
 */
public record StaticAsset(byte[] bytes, String contentType, String etag, String cacheControl) {
    public StaticAsset {
        requireNonNull(bytes, "bytes is null");
        requireNonNull(contentType, "contentType is null");
        requireNonNull(etag, "etag is null");
        requireNonNull(cacheControl, "cacheControl is null");
    }

    /** The resource at {@code path} on the class path of {@code loader}, or empty when there is none. */
    public static Optional<StaticAsset> load(ClassLoader loader, String path, String cacheControl) {
        try (InputStream in = loader.getResourceAsStream(path)) {
            if (in == null) {
                return Optional.empty();
            }
            byte[] bytes = in.readAllBytes();
            return Optional.of(new StaticAsset(bytes, contentType(path), etag(bytes), cacheControl));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path + " from the class path", e);
        }
    }

    /** Answers 304 when the browser's copy is current, else the bytes. */
    public void send(Context ctx) {
        ctx.header("ETag", etag).header("Cache-Control", cacheControl).header("X-Content-Type-Options", "nosniff");
        String ifNoneMatch = ctx.header("If-None-Match");
        if (ifNoneMatch != null && ifNoneMatch.contains(etag)) {
            ctx.status(304);
            return;
        }
        ctx.contentType(contentType).result(bytes);
    }

    public static String contentType(String path) {
        String lower = path.toLowerCase(Locale.ROOT);
        if (lower.endsWith(".html")) {
            return "text/html; charset=utf-8";
        }
        if (lower.endsWith(".js")) {
            // modules load only with a JavaScript type
            return "application/javascript; charset=utf-8";
        }
        if (lower.endsWith(".css")) {
            return "text/css; charset=utf-8";
        }
        if (lower.endsWith(".svg")) {
            return "image/svg+xml";
        }
        if (lower.endsWith(".png")) {
            return "image/png";
        }
        return "application/octet-stream";
    }

    private static String etag(byte[] bytes) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(bytes);
            return '"' + Base64.getUrlEncoder().withoutPadding().encodeToString(java.util.Arrays.copyOf(digest, 12)) + '"';
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
