package io.tally.sdk.internal;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * One HTTP attempt to post a batch. It never throws for network trouble: that is a
 * {@link SendResult.Retryable} like a 503. {@link #cancel()} ends the attempt in flight and makes
 * later attempts return at once, which is how a timed-out close stops the delivery thread
 * without interrupting it.
 */
public final class BatchTransport {
    private final HttpClient http;
    private final URI batchUri;
    private final String authorization;
    private final boolean gzip;
    private final Duration timeout;
    private final Clock clock;
    private final ResponseReader reader = new ResponseReader();

    private final Object cancelLock = new Object();
    private boolean cancelled;
    private CompletableFuture<?> inFlight;

    public BatchTransport(HttpClient http, URI batchUri, String writeKey, boolean gzip, Duration timeout, Clock clock) {
        this.http = requireNonNull(http, "http is null");
        this.batchUri = requireNonNull(batchUri, "batchUri is null");
        this.authorization = "Basic " + Base64.getEncoder()
                .encodeToString((requireNonNull(writeKey, "writeKey is null") + ":").getBytes(StandardCharsets.UTF_8));
        this.gzip = gzip;
        this.timeout = requireNonNull(timeout, "timeout is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    public SendResult send(List<EncodedMessage> batch) {
        HttpRequest request = request(BatchBody.encode(batch, clock.instant()));
        CompletableFuture<HttpResponse<byte[]>> response;
        synchronized (cancelLock) {
            if (cancelled) {
                return new SendResult.Retryable("the client is closing", Duration.ZERO);
            }
            response = http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray());
            inFlight = response;
        }
        try {
            HttpResponse<byte[]> answer = response.get();
            return reader.read(answer.statusCode(), answer.headers().firstValue("Retry-After"), answer.body(), batch);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            return new SendResult.Retryable("network error: " + cause, Duration.ZERO);
        } catch (CancellationException e) {
            return new SendResult.Retryable("the client is closing", Duration.ZERO);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            response.cancel(true);
            return new SendResult.Retryable("interrupted", Duration.ZERO);
        } finally {
            synchronized (cancelLock) {
                inFlight = null;
            }
        }
    }

    /** Ends the attempt in flight, if any, and every later one. */
    public void cancel() {
        synchronized (cancelLock) {
            cancelled = true;
            if (inFlight != null) {
                inFlight.cancel(true);
            }
        }
    }

    private HttpRequest request(byte[] json) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(batchUri)
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .header("Authorization", authorization)
                .header("User-Agent", SdkInfo.USER_AGENT);
        if (gzip) {
            builder.header("Content-Encoding", "gzip");
            return builder.POST(HttpRequest.BodyPublishers.ofByteArray(BatchBody.gzip(json))).build();
        }
        return builder.POST(HttpRequest.BodyPublishers.ofByteArray(json)).build();
    }
}
