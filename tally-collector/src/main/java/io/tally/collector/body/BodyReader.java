package io.tally.collector.body;

import io.tally.core.ErrorCode;
import io.tally.core.TallyException;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads a request body with its limits enforced while reading, so that a huge or endless body costs
 * at most the limit in memory: the decompressed size is capped, and so is its ratio to the bytes
 * received (a gzip bomb is refused long before it expands).
 */
public final class BodyReader {
    private final int maxBytes;
    private final int maxRatio;

    public BodyReader(int maxBytes, int maxRatio) {
        this.maxBytes = maxBytes;
        this.maxRatio = maxRatio;
    }

    /**
     * @param contentEncoding the request's {@code Content-Encoding}, or null
     * @param declaredLength the request's {@code Content-Length}, or -1 when not given
     */
    public byte[] read(InputStream raw, String contentEncoding, long declaredLength) {
        String encoding = contentEncoding == null ? "identity" : contentEncoding.trim().toLowerCase(Locale.ROOT);
        if (!encoding.equals("identity") && !encoding.equals("gzip") && !encoding.isEmpty()) {
            throw new TallyException(ErrorCode.UNSUPPORTED_ENCODING,
                    "Content-Encoding '" + contentEncoding + "' is not supported; use gzip or none");
        }
        if (declaredLength > maxBytes) {
            throw tooLarge();
        }
        CountingInputStream counted = new CountingInputStream(raw);
        try {
            if (encoding.equals("gzip")) {
                return readGzip(counted);
            }
            return readCapped(counted, null);
        } catch (TallyException e) {
            throw e;
        } catch (ZipException | EOFException e) {
            throw new TallyException(ErrorCode.INVALID_REQUEST, "the gzip body is corrupt or truncated: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new TallyException(ErrorCode.INVALID_REQUEST, "the request body could not be read: " + e.getMessage(), e);
        }
    }

    private byte[] readGzip(CountingInputStream counted) throws IOException {
        try (MeasuredGzipInputStream gzip = new MeasuredGzipInputStream(counted)) {
            return readCapped(gzip, gzip);
        }
    }

    private byte[] readCapped(InputStream in, MeasuredGzipInputStream compressed) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
        byte[] buffer = new byte[8192];
        int n;
        while ((n = in.read(buffer)) != -1) {
            out.write(buffer, 0, n);
            if (out.size() > maxBytes) {
                throw tooLarge();
            }
            // the first kilobytes of any body may expand a lot (headers, repeated keys); judge later
            if (compressed != null && out.size() > 64 * 1024 && out.size() > (long) maxRatio * compressed.consumed()) {
                throw new TallyException(ErrorCode.COMPRESSION_RATIO_EXCEEDED,
                        "the gzip body expands more than " + maxRatio + " times; refusing it as a decompression bomb");
            }
        }
        return out.toByteArray();
    }

    private TallyException tooLarge() {
        return new TallyException(ErrorCode.BODY_TOO_LARGE,
                "the request body is larger than " + maxBytes + " bytes (after decompression)");
    }

    /**
     * Gzip that knows how many compressed bytes it has inflated so far. The bytes read from the request
     * are not that: the stream reads ahead by its buffer (8 KB), and a bomb of 8 KB inflates to about
     * 8 MB, so with the default limits a ratio judged on bytes read could never be exceeded before the
     * size limit was.
     */
    private static final class MeasuredGzipInputStream extends GZIPInputStream {
        private final CountingInputStream source;

        MeasuredGzipInputStream(CountingInputStream source) throws IOException {
            super(source, 8192);
            this.source = source;
        }

        /** The bytes read from the request minus those still waiting in the inflater's input. */
        long consumed() {
            return source.count() - inf.getRemaining();
        }
    }

    /** Counts the bytes read from the request. */
    private static final class CountingInputStream extends java.io.FilterInputStream {
        private long count;

        CountingInputStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                count += n;
            }
            return n;
        }

        long count() {
            return count;
        }
    }
}
