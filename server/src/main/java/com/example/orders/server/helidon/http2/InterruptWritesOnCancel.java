package com.example.orders.server.helidon.http2;

import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;

/**
 * Ends a call's message write that waits for the client's flow-control window when the client resets
 * the stream, and makes none after. Helidon 4.5.0 does not wake that wait
 * ({@code Http2ConnectionWriter.splitAndWrite}): it waits for a window update that never comes, up to
 * flow-control-timeout, with the call's work (an export's transaction) held open. Only an interrupt of
 * the writing thread ends it sooner; {@link InterruptibleWrites} keeps the interrupt out of the socket
 * write, where it would close the connection. A write that would start after the reset, in the moment
 * before the call's context is cancelled (an export's next order), is not made at all.
 */
public final class InterruptWritesOnCancel implements ServerInterceptor {

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call,
                                                      Metadata headers,
                                                      ServerCallHandler<Q, R> next) {
        InterruptibleWrites writes = new InterruptibleWrites();
        ServerCall.Listener<Q> listener = next.startCall(new SimpleForwardingServerCall<>(call) {
            @Override
            public void sendMessage(R message) {
                writes.run(() -> super.sendMessage(message));
            }
        }, headers);
        return new SimpleForwardingServerCallListener<>(listener) {
            @Override
            public void onCancel() {
                writes.interrupt();
                super.onCancel();
            }
        };
    }
}
