package io.tally.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.zip.GZIPOutputStream;
import okhttp3.Interceptor;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okio.Buffer;

/**
 * Gzips every request body of an OkHttp client, as mobile and server SDKs do, so that Segment's Java
 * library (which sends plain JSON itself) exercises the collector's gzip path.
 */
final class GzipRequests implements Interceptor {
    @Override
    public Response intercept(Chain chain) throws IOException {
        Request request = chain.request();
        if (request.body() == null || request.header("Content-Encoding") != null) {
            return chain.proceed(request);
        }
        Buffer plain = new Buffer();
        request.body().writeTo(plain);
        ByteArrayOutputStream compressed = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(compressed)) {
            gzip.write(plain.readByteArray());
        }
        return chain.proceed(request.newBuilder()
                .header("Content-Encoding", "gzip")
                .method(request.method(), RequestBody.create(compressed.toByteArray(), request.body().contentType()))
                .build());
    }
}
