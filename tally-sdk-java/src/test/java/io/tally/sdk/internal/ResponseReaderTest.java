package io.tally.sdk.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ResponseReaderTest {
    private final ResponseReader reader = new ResponseReader();
    private final List<EncodedMessage> batch = List.of(
            MessageBufferTest.message("id-0", 10), MessageBufferTest.message("id-1", 10));

    @Test
    void readsPerEventRejections() {
        String body = "{\"success\":true,\"accepted\":1,\"rejected\":1,\"results\":["
                + "{\"index\":0,\"messageId\":\"id-0\",\"status\":\"accepted\"},"
                + "{\"index\":1,\"status\":\"rejected\",\"error\":{\"code\":\"invalid_event\",\"message\":\"no event\"}}]}";

        SendResult result = read(200, Optional.empty(), body);

        assertThat(result).isEqualTo(new SendResult.Delivered(
                List.of(new SendResult.Rejection("id-1", "invalid_event", "no event"))));
    }

    @Test
    void takesA2xxWithoutResultsAsAllAccepted() {
        assertThat(read(200, Optional.empty(), "{\"success\":true}")).isEqualTo(new SendResult.Delivered(List.of()));
        assertThat(read(200, Optional.empty(), "OK")).isEqualTo(new SendResult.Delivered(List.of()));
    }

    @Test
    void retries429And5xxAnd408WithTheirRetryAfter() {
        assertThat(read(503, Optional.of("3"), "")).isEqualTo(new SendResult.Retryable("HTTP 503", Duration.ofSeconds(3)));
        assertThat(read(429, Optional.empty(), "")).isInstanceOf(SendResult.Retryable.class);
        assertThat(read(408, Optional.empty(), "")).isInstanceOf(SendResult.Retryable.class);
        assertThat(read(500, Optional.of("Wed, 21 Oct 2015 07:28:00 GMT"), "oops"))
                .isEqualTo(new SendResult.Retryable("HTTP 500: oops", Duration.ZERO));
    }

    @Test
    void doesNotRetryOther4xx() {
        for (int status : new int[] {400, 401, 403, 404, 413}) {
            assertThat(read(status, Optional.empty(), "")).isInstanceOf(SendResult.Fatal.class);
        }
        assertThat(read(401, Optional.empty(), "{\"error\":{\"code\":\"unauthorized\",\"message\":\"unknown write key\"}}"))
                .isEqualTo(new SendResult.Fatal("HTTP 401: unauthorized: unknown write key"));
    }

    @Test
    void capsAnUnreasonableRetryAfter() {
        assertThat(ResponseReader.parseRetryAfter("86400")).isEqualTo(ResponseReader.MAX_RETRY_AFTER);
        assertThat(ResponseReader.parseRetryAfter(" 2 ")).isEqualTo(Duration.ofSeconds(2));
        assertThat(ResponseReader.parseRetryAfter("-1")).isZero();
    }

    private SendResult read(int status, Optional<String> retryAfter, String body) {
        return reader.read(status, retryAfter, body.getBytes(StandardCharsets.UTF_8), batch);
    }
}
