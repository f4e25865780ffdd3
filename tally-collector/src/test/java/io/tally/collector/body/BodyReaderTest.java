package io.tally.collector.body;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tally.core.ErrorCode;
import io.tally.core.TallyException;
import io.tally.testing.Compression;
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

class BodyReaderTest {
    private static final int MAX_BYTES = 500 * 1024;
    private static final int MAX_RATIO = 200;

    private final BodyReader reader = new BodyReader(MAX_BYTES, MAX_RATIO);

    @Test
    void plainBodyUnderTheLimitIsReadWhole() {
        byte[] body = json(MAX_BYTES);

        assertThat(reader.read(new ByteArrayInputStream(body), null, body.length)).isEqualTo(body);
    }

    @Test
    void plainBodyWithoutContentLengthIsReadWhole() {
        byte[] body = "{\"batch\":[]}".getBytes(StandardCharsets.UTF_8);

        assertThat(reader.read(new ByteArrayInputStream(body), null, -1)).isEqualTo(body);
    }

    @Test
    void identityAndEmptyEncodingsMeanAPlainBody() {
        byte[] body = "{}".getBytes(StandardCharsets.UTF_8);

        assertThat(reader.read(new ByteArrayInputStream(body), "identity", -1)).isEqualTo(body);
        assertThat(reader.read(new ByteArrayInputStream(body), "", -1)).isEqualTo(body);
    }

    @Test
    void plainBodyOverTheLimitIsRefusedWhenItHasNoContentLength() {
        byte[] body = json(MAX_BYTES + 1);

        assertFailsWith(() -> reader.read(new ByteArrayInputStream(body), null, -1), ErrorCode.BODY_TOO_LARGE);
    }

    @Test
    void plainBodyOverTheLimitIsRefusedWhenItsContentLengthLies() {
        byte[] body = json(MAX_BYTES + 1);

        assertFailsWith(() -> reader.read(new ByteArrayInputStream(body), null, 100), ErrorCode.BODY_TOO_LARGE);
    }

    @Test
    void endlessBodyIsRefusedAfterReadingLittleMoreThanTheLimit() {
        CountingStream endless = new CountingStream(new EndlessStream());

        assertFailsWith(() -> reader.read(endless, null, -1), ErrorCode.BODY_TOO_LARGE);
        assertThat(endless.bytesRead).isLessThanOrEqualTo(MAX_BYTES + 8192);
    }

    @Test
    void contentLengthOverTheLimitIsRefusedBeforeReadingAnything() {
        CountingStream body = new CountingStream(new EndlessStream());

        assertFailsWith(() -> reader.read(body, null, 10L * 1024 * 1024), ErrorCode.BODY_TOO_LARGE);
        assertThat(body.bytesRead).isZero();
    }

    @Test
    void gzipBodyIsDecoded() {
        byte[] body = json(100_000);

        assertThat(reader.read(new ByteArrayInputStream(Compression.gzip(body)), "gzip", -1)).isEqualTo(body);
    }

    @Test
    void contentEncodingIsCaseInsensitive() {
        byte[] body = json(1000);

        assertThat(reader.read(new ByteArrayInputStream(Compression.gzip(body)), " GZip ", -1)).isEqualTo(body);
    }

    @Test
    void gzipBodyThatDecodesBeyondTheLimitIsRefused() {
        // ordinary text compresses a few times: under the ratio limit, over the size limit
        byte[] compressed = Compression.gzip(json(MAX_BYTES * 2));

        assertFailsWith(() -> reader.read(new ByteArrayInputStream(compressed), "gzip", compressed.length),
                ErrorCode.BODY_TOO_LARGE);
    }

    @Test
    void gzipBombIsRefusedWithoutReadingItAll() {
        byte[] bomb = Compression.gzippedZeros(50 * 1024 * 1024);
        CountingStream body = new CountingStream(new ByteArrayInputStream(bomb));

        // with the default limits the ratio is what refuses it: the size limit is never reached
        assertFailsWith(() -> reader.read(body, "gzip", bomb.length), ErrorCode.COMPRESSION_RATIO_EXCEEDED);
        assertThat(body.bytesRead).isLessThan(bomb.length);
    }

    @Test
    void gzipBombIsRefusedByItsRatioEvenWhenTheSizeLimitIsGenerous() {
        BodyReader generous = new BodyReader(Integer.MAX_VALUE - 16, MAX_RATIO);
        byte[] bomb = Compression.gzippedZeros(50 * 1024 * 1024);
        CountingStream body = new CountingStream(new ByteArrayInputStream(bomb));

        assertFailsWith(() -> generous.read(body, "gzip", bomb.length), ErrorCode.COMPRESSION_RATIO_EXCEEDED);
        assertThat(body.bytesRead).isLessThan(bomb.length);
    }

    @Test
    void bodyThatIsNotGzipAtAllIsInvalid() {
        byte[] notGzip = "{\"event\":\"x\"}".getBytes(StandardCharsets.UTF_8);

        assertFailsWith(() -> reader.read(new ByteArrayInputStream(notGzip), "gzip", notGzip.length),
                ErrorCode.INVALID_REQUEST);
    }

    @Test
    void truncatedGzipIsInvalid() {
        byte[] whole = Compression.gzip(json(10_000));
        byte[] truncated = Arrays.copyOf(whole, whole.length / 2);

        assertFailsWith(() -> reader.read(new ByteArrayInputStream(truncated), "gzip", truncated.length),
                ErrorCode.INVALID_REQUEST);
    }

    @Test
    void gzipWithCorruptDataIsInvalid() {
        byte[] corrupt = Compression.gzip(json(10_000));
        // keep the 10-byte header, spoil the deflate stream
        for (int i = 10; i < 40; i++) {
            corrupt[i] = (byte) 0xFF;
        }

        assertFailsWith(() -> reader.read(new ByteArrayInputStream(corrupt), "gzip", corrupt.length),
                ErrorCode.INVALID_REQUEST);
    }

    @Test
    void unknownContentEncodingIsUnsupported() {
        byte[] body = "{}".getBytes(StandardCharsets.UTF_8);

        Throwable thrown = catchTallyException(() -> reader.read(new ByteArrayInputStream(body), "br", body.length));

        assertThat(((TallyException) thrown).code()).isEqualTo(ErrorCode.UNSUPPORTED_ENCODING);
        assertThat(thrown).hasMessageContaining("br");
    }

    @Test
    void unreadableStreamIsAnInvalidRequest() {
        InputStream broken = new InputStream() {
            @Override
            public int read() throws IOException {
                throw new IOException("connection reset");
            }
        };

        assertFailsWith(() -> reader.read(broken, null, -1), ErrorCode.INVALID_REQUEST);
    }

    private static void assertFailsWith(ThrowingCallable call, ErrorCode code) {
        assertThatThrownBy(call)
                .isInstanceOfSatisfying(TallyException.class, e -> assertThat(e.code()).isEqualTo(code));
    }

    private static Throwable catchTallyException(ThrowingCallable call) {
        Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(call);
        assertThat(thrown).isInstanceOf(TallyException.class);
        return thrown;
    }

    /** Text that looks like event JSON and compresses like it (a few times, not a thousand). */
    private static byte[] json(int size) {
        StringBuilder s = new StringBuilder(size + 64);
        long seed = 42;
        while (s.length() < size) {
            seed = seed * 6364136223846793005L + 1442695040888963407L;
            s.append("{\"event\":\"e").append(Long.toHexString(seed)).append("\"},");
        }
        s.setLength(size);
        return s.toString().getBytes(StandardCharsets.US_ASCII);
    }

    /** Never ends: what a client that streams forever looks like. */
    private static final class EndlessStream extends InputStream {
        @Override
        public int read() {
            return 'x';
        }

        @Override
        public int read(byte[] b, int off, int len) {
            Arrays.fill(b, off, off + len, (byte) 'x');
            return len;
        }
    }

    private static final class CountingStream extends FilterInputStream {
        long bytesRead;

        CountingStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                bytesRead++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                bytesRead += n;
            }
            return n;
        }
    }
}
