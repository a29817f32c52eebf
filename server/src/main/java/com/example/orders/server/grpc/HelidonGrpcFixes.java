package com.example.orders.server.grpc;

import java.nio.charset.StandardCharsets;

import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;

/**
 * Works around two behaviours of Helidon 4.1.7's gRPC server so that clients see the status the
 * service meant. Must be the outermost interceptor of every service.
 *
 * <ul>
 * <li>A call closed before any message is written as a trailers-only response without
 * {@code :status 200}, which grpc-java clients report as "INTERNAL: Missing HTTP status code"
 * (Helidon issue #10843). Sending the (empty) headers first makes it a normal response.</li>
 * <li>{@code grpc-message} is written as is, but the protocol wants it percent-encoded: clients
 * would mangle a message with '%' or non-ASCII text. It is encoded here.</li>
 * </ul>
 */
final class HelidonGrpcFixes implements ServerInterceptor {

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call,
                                                      Metadata headers,
                                                      ServerCallHandler<Q, R> next) {
        return next.startCall(new SimpleForwardingServerCall<>(call) {
            private volatile boolean headersSent;

            @Override
            public void sendHeaders(Metadata responseHeaders) {
                headersSent = true;
                super.sendHeaders(responseHeaders);
            }

            @Override
            public void sendMessage(R message) {
                sendHeadersOnce();
                super.sendMessage(message);
            }

            @Override
            public void close(Status status, Metadata trailers) {
                sendHeadersOnce();
                super.close(status.withDescription(percentEncode(status.getDescription())), trailers);
            }

            private void sendHeadersOnce() {
                if (!headersSent) {
                    sendHeaders(new Metadata());
                }
            }
        }, headers);
    }

    /** The grpc-message encoding: bytes outside printable ASCII, and '%', become %XX. */
    static String percentEncode(String message) {
        if (message == null) {
            return null;
        }
        StringBuilder encoded = new StringBuilder(message.length());
        for (byte b : message.getBytes(StandardCharsets.UTF_8)) {
            if (b >= ' ' && b <= '~' && b != '%') {
                encoded.append((char) b);
            } else {
                encoded.append('%').append(String.format("%02X", b & 0xFF));
            }
        }
        return encoded.toString();
    }
}
