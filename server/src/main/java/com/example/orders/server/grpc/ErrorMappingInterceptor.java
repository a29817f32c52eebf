package com.example.orders.server.grpc;

import io.grpc.Context;
import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;

/**
 * Closes a call whose handler threw with the status {@link ErrorStatus} gives for the failure; a call
 * whose client cancelled it, or whose deadline passed, with that, whatever failed then because of it
 * (a cancelled statement, a write to a reset stream).
 */
final class ErrorMappingInterceptor implements ServerInterceptor {

    private static final System.Logger LOG = System.getLogger(ErrorMappingInterceptor.class.getName());

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call,
                                                      Metadata headers,
                                                      ServerCallHandler<Q, R> next) {
        return new SimpleForwardingServerCallListener<>(next.startCall(call, headers)) {
            @Override
            public void onMessage(Q message) {
                try {
                    super.onMessage(message);
                } catch (RuntimeException e) {
                    fail(call, e);
                }
            }

            @Override
            public void onHalfClose() {
                try {
                    super.onHalfClose();
                } catch (RuntimeException e) {
                    fail(call, e);
                }
            }
        };
    }

    private static void fail(ServerCall<?, ?> call, RuntimeException failure) {
        Context context = Context.current();
        Status status = context.isCancelled() ? ErrorStatus.ofCancelled(context) : statusOf(call, failure);
        try {
            call.close(status, new Metadata());
        } catch (RuntimeException closeFailure) {
            // Still closed for the interceptors outside (counts, logs); the client cannot hear it anyway.
            LOG.log(System.Logger.Level.DEBUG, "Could not send " + status + " to the client", closeFailure);
        }
    }

    private static Status statusOf(ServerCall<?, ?> call, RuntimeException failure) {
        try {
            return ErrorStatus.of(call.getMethodDescriptor().getBareMethodName(), failure);
        } catch (RuntimeException mappingFailure) {
            // A call that is never closed hangs its client until the deadline: close it whatever happens.
            failure.addSuppressed(mappingFailure);
            LOG.log(System.Logger.Level.ERROR, "Could not map a failure to a status", failure);
            return Status.INTERNAL.withDescription("internal error");
        }
    }
}
