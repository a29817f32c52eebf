package com.example.orders.server.helidon.grpc;

import io.helidon.common.buffers.BufferData;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.HttpPrologue;
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
import io.helidon.webserver.grpc.GrpcStatus;
import io.helidon.webserver.http2.spi.Http2SubProtocolSelector;
import io.helidon.webserver.http2.spi.SubProtocolResult;

/**
 * A call to a service or method the server does not have gets the gRPC status UNIMPLEMENTED, as the
 * protocol wants. Helidon 4.5.0 answers it with HTTP status 404, which clients report as a transport
 * failure (grpc-java: UNIMPLEMENTED "HTTP status code 404, invalid content-type: null"). Only what
 * Helidon's gRPC selector cannot route is answered here.
 */
final class UnknownMethods {

    /** What Helidon's selector gives for an unknown method (a package-private class). */
    private static final String HELIDON_NOT_FOUND = "io.helidon.webserver.grpc.GrpcProtocolHandlerNotFound";
    private static final System.Logger ACCESS_LOG = System.getLogger("orders.access");

    private UnknownMethods() {
    }

    /** Helidon's choice for the stream, with UNIMPLEMENTED in place of its HTTP 404. */
    static SubProtocolResult answered(SubProtocolResult helidon, HttpPrologue prologue, Http2StreamWriter writer,
                                      int streamId, Http2StreamState state) {
        if (helidon.supported() && helidon.subProtocol().getClass().getName().equals(HELIDON_NOT_FOUND)) {
            String method = prologue.uriPath().path().substring(1);
            return new SubProtocolResult(true, new Unimplemented(writer, streamId, state, method));
        }
        return helidon;
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
