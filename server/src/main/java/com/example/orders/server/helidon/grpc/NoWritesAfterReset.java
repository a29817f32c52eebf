package com.example.orders.server.helidon.grpc;

import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;

/**
 * Writes nothing to a call the client has reset: no message, no trailers. Helidon 4.5.0 writes them,
 * the client answers frames on a stream it reset with RST_STREAM, and Helidon takes that for a
 * protocol error that ends the connection (GOAWAY PROTOCOL_ERROR), failing every call on it. The frames
 * already on their way when the reset comes are the connection's business: ClosedStreamResets.
 */
public final class NoWritesAfterReset implements ServerInterceptor {

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call,
                                                      Metadata headers,
                                                      ServerCallHandler<Q, R> next) {
        return next.startCall(new SimpleForwardingServerCall<>(call) {
            @Override
            public void sendMessage(R message) {
                if (!isCancelled()) {
                    super.sendMessage(message);
                }
            }

            @Override
            public void close(Status status, Metadata trailers) {
                if (!isCancelled()) {
                    super.close(status, trailers);
                }
            }
        }, headers);
    }
}
