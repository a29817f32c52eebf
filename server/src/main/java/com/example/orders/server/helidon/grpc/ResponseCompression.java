package com.example.orders.server.helidon.grpc;

import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Headers;
import io.helidon.http.WritableHeaders;
import io.helidon.http.http2.Http2Headers;

/**
 * A response is compressed only when the client compressed its request. Helidon 4.5.0 gzips the
 * responses of every client that merely accepts gzip ({@code grpc-accept-encoding}), which grpc-java and
 * most clients announce by default; for messages of a few hundred bytes that cost a quarter of the
 * service's CPU per call. grpc-java's own servers do not compress unless told to. Turning Helidon's
 * compression off ({@code enable-compression: false}) would break clients that compress their requests:
 * Helidon then fails to read them. So a compressed request is still decompressed, and answered in its
 * encoding.
 */
final class ResponseCompression {

    private static final HeaderName GRPC_ENCODING = HeaderNames.create("grpc-encoding");
    private static final HeaderName GRPC_ACCEPT_ENCODING = HeaderNames.create("grpc-accept-encoding");

    private ResponseCompression() {
    }

    /**
     * The request's headers without {@code grpc-accept-encoding} when the request itself is not
     * compressed: Helidon then answers uncompressed.
     */
    static Http2Headers compressedOnlyIfCompressing(Http2Headers headers) {
        Headers http = headers.httpHeaders();
        if (!http.contains(GRPC_ACCEPT_ENCODING)
                || http.contains(GRPC_ENCODING) && !http.get(GRPC_ENCODING).get().equals("identity")) {
            return headers;
        }
        WritableHeaders<?> withoutAccept = WritableHeaders.create(http);
        withoutAccept.remove(GRPC_ACCEPT_ENCODING);
        return Http2Headers.create(withoutAccept)
                .path(headers.path())
                .method(headers.method())
                .authority(headers.authority())
                .scheme(headers.scheme());
    }
}
