package com.example.orders.server.helidon.grpc;

import java.nio.charset.StandardCharsets;

import com.example.orders.server.helidon.http2.InterruptibleWrites;
import com.example.orders.server.helidon.http2.UnaryResponseWrites;

import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;

/**
 * Corrects how Helidon's {@link ServerCall} ends a call; the first interceptor of every call after
 * {@link UnaryResponseWrites} (which changes when a unary call's frames leave, not what they are), so
 * that it sees exactly what goes to the transport.
 *
 * <ul>
 * <li>{@code grpc-message} is written as is, but the protocol wants it percent-encoded: clients would
 * mangle a message with '%' or non-ASCII text. It is encoded here.</li>
 * <li>A call answered before its request has fully arrived (refused by an interceptor: a wrong
 * token, the gate) leaves Helidon's stream state wrong: closed before its listener exists, or closed
 * and forgotten while the client's request or RST_STREAM is still on its way. Either frame then fails
 * the whole HTTP/2 connection with GOAWAY PROTOCOL_ERROR, and every other call on it. So the answer
 * to a call whose client sends one message waits until that message and its end have arrived, as
 * for any unary call; that of any call waits until Helidon has its listener, at {@code onReady}.</li>
 * <li>Nothing is written to a call the client has reset: the client would answer frames on a stream it
 * reset, which Helidon takes for a protocol error that ends the connection.</li>
 * <li>A write waiting for the client's flow-control window when the client resets the stream is
 * interrupted: Helidon would wait for a window update that never comes, up to flow-control-timeout,
 * with the call's work (an export's transaction) held open. {@link InterruptibleWrites} keeps the
 * interrupt out of socket writes, where it would close the connection.</li>
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
                if (fixed.listening()) {
                    super.onReady();
                }
            }

            @Override
            public void onHalfClose() {
                if (fixed.requestOver()) {
                    super.onHalfClose();
                }
            }

            @Override
            public void onCancel() {
                fixed.interruptWriter();
                fixed.requestOver(); // by the client, or by the transport (OversizedRequests answers that)
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

        private final boolean oneRequest;
        private final InterruptibleWrites writes = new InterruptibleWrites();
        private boolean listening;
        private boolean requestOver;
        private Status heldStatus;
        private Metadata heldTrailers;

        FixedCall(ServerCall<Q, R> call) {
            super(call);
            this.oneRequest = call.getMethodDescriptor().getType().clientSendsOneMessage();
        }

        /** Helidon has the listener (it calls onReady right after). True if the call goes on. */
        synchronized boolean listening() {
            listening = true;
            return !sendHeldClose();
        }

        /** The request has ended: its last message has come, or the call was cancelled. True if the call goes on. */
        synchronized boolean requestOver() {
            requestOver = true;
            return !sendHeldClose();
        }

        /** True if a close was held back, and is sent now. */
        private boolean sendHeldClose() {
            if (heldStatus == null || !mayClose()) {
                return false;
            }
            closeUnlessCancelled(heldStatus, heldTrailers);
            heldStatus = null;
            return true;
        }

        private boolean mayClose() {
            return listening && (requestOver || !oneRequest);
        }

        @Override
        public void sendMessage(R message) {
            if (isCancelled()) {
                return;
            }
            writes.run(() -> super.sendMessage(message));
        }

        void interruptWriter() {
            writes.interrupt();
        }

        @Override
        public void close(Status status, Metadata trailers) {
            Status encoded = status.withDescription(percentEncode(status.getDescription()));
            synchronized (this) {
                if (!mayClose()) {
                    heldStatus = encoded;
                    heldTrailers = trailers;
                    return;
                }
            }
            closeUnlessCancelled(encoded, trailers);
        }

        private void closeUnlessCancelled(Status status, Metadata trailers) {
            if (!isCancelled()) {
                super.close(status, trailers);
            }
        }
    }
}
