package com.example.orders.server.grpc.workarounds;

import java.nio.charset.StandardCharsets;

import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;

/**
 * Corrects how Helidon's {@link ServerCall} writes a call's end; the first interceptor of every call,
 * so that it sees exactly what goes to the transport.
 *
 * <ul>
 * <li>{@code grpc-message} is written as is, but the protocol wants it percent-encoded: clients would
 * mangle a message with '%' or non-ASCII text. It is encoded here.</li>
 * <li>A call closed before its listener exists (refused by an interceptor: a wrong token, the gate)
 * is marked closed outright, and its stream removed; the request's DATA frame that follows then
 * fails the whole HTTP/2 connection with GOAWAY PROTOCOL_ERROR, and every other call on it. Such a
 * close is held back until Helidon has the listener, at {@code onReady}.</li>
 * <li>Nothing is written to a call the client has reset: each frame would draw an RST_STREAM that
 * Helidon counts towards its rapid-reset limit, which ends the connection.</li>
 * <li>A write waiting for the client's flow-control window when the client resets the stream is
 * interrupted: Helidon would wait for a window update that never comes, up to flow-control-timeout,
 * with the call's work (an export's transaction) held open.</li>
 * </ul>
 */
public final class GrpcCallFixes implements ServerInterceptor {

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call,
                                                      Metadata headers,
                                                      ServerCallHandler<Q, R> next) {
        FixedCall<Q, R> fixed = new FixedCall<>(call);
        ServerCall.Listener<Q> listener = next.startCall(fixed, headers);
        return new SimpleForwardingServerCallListener<>(listener) {
            @Override
            public void onReady() {
                if (fixed.started()) {
                    super.onReady();
                }
            }

            @Override
            public void onCancel() {
                fixed.interruptWriter();
                super.onCancel();
            }
        };
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

    private static final class FixedCall<Q, R> extends SimpleForwardingServerCall<Q, R> {

        private boolean listening;
        private Status heldStatus;
        private Metadata heldTrailers;
        private Thread writer;

        FixedCall(ServerCall<Q, R> call) {
            super(call);
        }

        /**
         * Helidon calls onReady right after it has the listener: a close held back until then is sent
         * now. True if the call goes on.
         */
        synchronized boolean started() {
            listening = true;
            if (heldStatus == null) {
                return true;
            }
            super.close(heldStatus, heldTrailers);
            return false;
        }

        @Override
        public void sendMessage(R message) {
            if (isCancelled()) {
                return;
            }
            synchronized (this) {
                writer = Thread.currentThread();
            }
            try {
                super.sendMessage(message);
            } finally {
                synchronized (this) {
                    writer = null;
                    Thread.interrupted(); // an interrupt meant for this write goes no further
                }
            }
        }

        synchronized void interruptWriter() {
            if (writer != null) {
                writer.interrupt();
            }
        }

        @Override
        public void close(Status status, Metadata trailers) {
            Status encoded = status.withDescription(percentEncode(status.getDescription()));
            synchronized (this) {
                if (!listening) {
                    heldStatus = encoded;
                    heldTrailers = trailers;
                    return;
                }
            }
            if (!isCancelled()) {
                super.close(encoded, trailers);
            }
        }
    }
}
