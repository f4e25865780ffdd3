package io.tally.bench;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * A minimal HTTP/1.1 client on one kept-alive socket, for the load generator only. The JDK's HttpClient
 * spent about 20 µs of CPU per event here, taken from the server it shares two cores with; this one
 * writes the request bytes and reads the status, headers and body, nothing more.
 */
final class LeanHttpClient implements AutoCloseable {
    private final String host;
    private final int port;
    private final byte[] fixedHeaders;
    private Socket socket;
    private OutputStream out;
    private InputStream in;

    LeanHttpClient(URI base, String path, String authorization) {
        this.host = base.getHost();
        this.port = base.getPort();
        this.fixedHeaders = ("POST " + path + " HTTP/1.1\r\nHost: " + host + ":" + port + "\r\nAuthorization: " + authorization
                + "\r\nContent-Type: application/json\r\nContent-Length: ").getBytes(StandardCharsets.US_ASCII);
    }

    /** Posts {@code body} and returns the status code; reconnects once if the kept-alive socket was closed. */
    int post(byte[] body) throws IOException {
        try {
            return exchange(body);
        } catch (IOException e) {
            close();
            return exchange(body);
        }
    }

    private int exchange(byte[] body) throws IOException {
        if (socket == null) {
            socket = new Socket();
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress(host, port), 5_000);
            socket.setSoTimeout(30_000);
            out = socket.getOutputStream();
            in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
        }
        ByteArrayOutputStream request = new ByteArrayOutputStream(fixedHeaders.length + body.length + 16);
        request.writeBytes(fixedHeaders);
        request.writeBytes((body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        request.writeBytes(body);
        request.writeTo(out);
        out.flush();
        return readResponse();
    }

    private int readResponse() throws IOException {
        String status = line();
        int code = Integer.parseInt(status.substring(9, 12));
        long length = -1;
        boolean chunked = false;
        boolean closeAfter = false;
        for (String header = line(); !header.isEmpty(); header = line()) {
            String lower = header.toLowerCase(Locale.ROOT);
            if (lower.startsWith("content-length:")) {
                length = Long.parseLong(lower.substring(15).trim());
            } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                chunked = true;
            } else if (lower.startsWith("connection:") && lower.contains("close")) {
                closeAfter = true;
            }
        }
        if (chunked) {
            for (long size = Long.parseLong(line().trim(), 16); size > 0; size = Long.parseLong(line().trim(), 16)) {
                skip(size);
                line();
            }
            line();
        } else if (length > 0) {
            skip(length);
        }
        if (closeAfter) {
            close();
        }
        return code;
    }

    private String line() throws IOException {
        StringBuilder line = new StringBuilder(64);
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                throw new IOException("connection closed by the server");
            }
            if (c != '\r') {
                line.append((char) c);
            }
        }
        return line.toString();
    }

    private void skip(long bytes) throws IOException {
        while (bytes > 0) {
            long skipped = in.skip(bytes);
            if (skipped <= 0) {
                if (in.read() < 0) {
                    throw new IOException("connection closed inside a response body");
                }
                skipped = 1;
            }
            bytes -= skipped;
        }
    }

    @Override
    public void close() {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // a benchmark client; the next request reconnects
            }
            socket = null;
        }
    }
}
