package com.example.orders.server.helidon.grpc;

import io.helidon.common.Weight;
import io.helidon.common.Weighted;
import io.helidon.common.buffers.BufferData;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.Headers;
import io.helidon.http.Status;
import io.helidon.http.WritableHeaders;
import io.helidon.http.http2.FlowControl;
import io.helidon.http.http2.Http2Flag;
import io.helidon.http.http2.Http2FrameHeader;
import io.helidon.http.http2.Http2FrameTypes;
import io.helidon.http.http2.Http2Headers;
import io.helidon.http.http2.Http2RstStream;
import io.helidon.http.http2.Http2StreamState;
import io.helidon.http.http2.Http2StreamWriter;
import io.helidon.http.http2.Http2WindowUpdate;
import io.helidon.webserver.ProtocolConfigs;
import io.helidon.webserver.grpc.GrpcConfig;
import io.helidon.webserver.grpc.GrpcProtocolSelector;
import io.helidon.webserver.grpc.GrpcStatus;
import io.helidon.webserver.http2.spi.Http2SubProtocolProvider;
import io.helidon.webserver.http2.spi.Http2SubProtocolSelector;
import io.helidon.webserver.http2.spi.SubProtocolResult;

/**
 * Helidon's gRPC sub-protocol with two changes to how a call starts. Registered through
 * {@code META-INF/services} ahead of Helidon's own, whose selector it wraps.
 *
 * <ul>
 * <li>A call to a service or method the server does not have gets the gRPC status UNIMPLEMENTED, as
 * the protocol wants. Helidon answers it with HTTP status 404, which clients report as a transport
 * failure. Only what Helidon's selector cannot route is answered here.
 * <li>A response is compressed only when the client compressed its request. Helidon gzips the
 * responses of every client that merely accepts gzip ({@code grpc-accept-encoding}), which grpc-java
 * and most clients announce by default; for messages of a few hundred bytes that cost a quarter of
 * the service's CPU per call. grpc-java's own servers do not compress unless told to. A compressed
 * request is still decompressed, and answered in its encoding.
 * </ul>
 */
@Weight(Weighted.DEFAULT_WEIGHT + 1)
public final class GrpcSubProtocol implements Http2SubProtocolProvider<GrpcConfig> {

    /** What Helidon's selector gives for an unknown method (a package-private class). */
    private static final String HELIDON_NOT_FOUND = "io.helidon.webserver.grpc.GrpcProtocolHandlerNotFound";
    private static final HeaderName GRPC_ENCODING = HeaderNames.create("grpc-encoding");
    private static final HeaderName GRPC_ACCEPT_ENCODING = HeaderNames.create("grpc-accept-encoding");
    private static final System.Logger ACCESS_LOG = System.getLogger("orders.access");

    /** For the ServiceLoader. */
    public GrpcSubProtocol() {
    }

    @Override
    public String protocolType() {
        return "grpc";
    }

    @Override
    public Class<GrpcConfig> protocolConfigType() {
        return GrpcConfig.class;
    }

    @Override
    public Http2SubProtocolSelector create(GrpcConfig config, ProtocolConfigs configs) {
        GrpcProtocolSelector grpc = GrpcProtocolSelector.create(config);
        return (ctx, prologue, headers, writer, streamId, serverSettings, clientSettings, flowControl, state, router) -> {
            SubProtocolResult result = grpc.subProtocol(ctx, prologue, compressedOnlyIfCompressing(headers), writer,
                                                        streamId, serverSettings, clientSettings, flowControl, state,
                                                        router);
            if (result.supported() && result.subProtocol().getClass().getName().equals(HELIDON_NOT_FOUND)) {
                String method = prologue.uriPath().path().substring(1);
                return new SubProtocolResult(true, new Unimplemented(writer, streamId, state, method));
            }
            return result;
        };
    }

    /**
     * The request's headers without {@code grpc-accept-encoding} when the request itself is not
     * compressed: Helidon then answers uncompressed.
     */
    private static Http2Headers compressedOnlyIfCompressing(Http2Headers headers) {
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

    /** A trailers-only response, HTTP status 200 and grpc-status UNIMPLEMENTED; the request is read and dropped. */
    private static final class Unimplemented implements Http2SubProtocolSelector.SubProtocolHandler {

        private final Http2StreamWriter writer;
        private final int streamId;
        private final String method;
        private volatile Http2StreamState state;

        Unimplemented(Http2StreamWriter writer, int streamId, Http2StreamState state, String method) {
            this.writer = writer;
            this.streamId = streamId;
            this.state = state;
            this.method = method;
        }

        @Override
        public void init() {
            String message = "Method not found: " + method;
            ACCESS_LOG.log(System.Logger.Level.INFO, () -> method + " UNIMPLEMENTED: " + message);
            WritableHeaders<?> trailers = WritableHeaders.create();
            trailers.set(HeaderNames.CONTENT_TYPE, "application/grpc");
            trailers.set(HeaderValues.create(GrpcStatus.STATUS_NAME, io.grpc.Status.Code.UNIMPLEMENTED.value()));
            trailers.set(HeaderValues.create(GrpcStatus.MESSAGE_NAME, GrpcMessageEncoding.percentEncode(message)));
            Http2Headers response = Http2Headers.create(trailers);
            response.status(Status.OK_200);
            writer.writeHeaders(response, streamId,
                                Http2Flag.HeaderFlags.create(Http2Flag.END_OF_HEADERS | Http2Flag.END_OF_STREAM),
                                FlowControl.Outbound.NOOP);
            state = state == Http2StreamState.HALF_CLOSED_REMOTE ? Http2StreamState.CLOSED : Http2StreamState.HALF_CLOSED_LOCAL;
        }

        @Override
        public Http2StreamState streamState() {
            return state;
        }

        @Override
        public void rstStream(Http2RstStream rstStream) {
            state = Http2StreamState.CLOSED;
        }

        @Override
        public void windowUpdate(Http2WindowUpdate update) {
        }

        @Override
        public void data(Http2FrameHeader header, BufferData data) {
            if (header.flags(Http2FrameTypes.DATA).endOfStream()) {
                state = state == Http2StreamState.HALF_CLOSED_LOCAL ? Http2StreamState.CLOSED : Http2StreamState.HALF_CLOSED_REMOTE;
            }
        }
    }
}
