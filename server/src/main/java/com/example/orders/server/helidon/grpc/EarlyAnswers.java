package com.example.orders.server.helidon.grpc;

import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;

/**
 * Holds back the answer to a call until Helidon can take it. A call answered before its request has
 * fully arrived (refused by an interceptor: a wrong token, the gate, shutdown) leaves Helidon 4.5.0's
 * stream state wrong: closed before its listener exists, or closed and forgotten while the client's
 * request or RST_STREAM is still on its way. Either frame then fails the whole HTTP/2 connection with
 * GOAWAY PROTOCOL_ERROR, and every other call on it. So the answer to a call whose client sends one
 * message waits until that message and its end have arrived, as for any unary call; that of any call
 * waits until Helidon has its listener, at {@code onReady}.
 */
public final class EarlyAnswers implements ServerInterceptor {

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call,
                                                      Metadata headers,
                                                      ServerCallHandler<Q, R> next) {
        HeldClose<Q, R> held = new HeldClose<>(call);
        return new SimpleForwardingServerCallListener<>(next.startCall(held, headers)) {
            @Override
            public void onReady() {
                if (held.listening()) {
                    super.onReady();
                }
            }

            @Override
            public void onHalfClose() {
                if (held.requestOver()) {
                    super.onHalfClose();
                }
            }

            @Override
            public void onCancel() {
                held.requestOver(); // by the client, or by the transport (OversizedRequests answers that)
                super.onCancel();
            }
        };
    }

    private static final class HeldClose<Q, R> extends SimpleForwardingServerCall<Q, R> {

        private final boolean oneRequest;
        private boolean listening;
        private boolean requestOver;
        private Status heldStatus;
        private Metadata heldTrailers;

        HeldClose(ServerCall<Q, R> call) {
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
            super.close(heldStatus, heldTrailers);
            heldStatus = null;
            return true;
        }

        private boolean mayClose() {
            return listening && (requestOver || !oneRequest);
        }

        @Override
        public void close(Status status, Metadata trailers) {
            synchronized (this) {
                if (!mayClose()) {
                    heldStatus = status;
                    heldTrailers = trailers;
                    return;
                }
            }
            super.close(status, trailers);
        }
    }
}
