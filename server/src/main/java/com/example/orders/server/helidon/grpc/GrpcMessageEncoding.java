package com.example.orders.server.helidon.grpc;

import java.nio.charset.StandardCharsets;

import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;

/**
 * Percent-encodes a call's status description, which goes out as {@code grpc-message}. Helidon 4.5.0
 * writes it as it is, but the protocol wants it percent-encoded: clients would mangle a message with
 * '%' or non-ASCII text ('€' arrives as "â‚¬").
 */
public final class GrpcMessageEncoding implements ServerInterceptor {

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call,
                                                      Metadata headers,
                                                      ServerCallHandler<Q, R> next) {
        return next.startCall(new SimpleForwardingServerCall<>(call) {
            @Override
            public void close(Status status, Metadata trailers) {
                super.close(status.withDescription(percentEncode(status.getDescription())), trailers);
            }
        }, headers);
    }

    /** The grpc-message encoding: bytes outside printable ASCII, and '%', become %XX. */
    static String percentEncode(String message) {
        if (message == null) {
            return null;
        }
        StringBuilder encoded = null;
        byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < bytes.length; i++) {
            byte b = bytes[i];
            boolean plain = b >= ' ' && b <= '~' && b != '%';
            if (encoded == null && !plain) {
                encoded = new StringBuilder(bytes.length + 16).append(message, 0, i); // all ASCII so far
            }
            if (encoded != null) {
                if (plain) {
                    encoded.append((char) b);
                } else {
                    encoded.append('%').append(HEX[(b >> 4) & 0xF]).append(HEX[b & 0xF]);
                }
            }
        }
        return encoded == null ? message : encoded.toString();
    }
}
