package com.example.orders.server.grpc;

import java.io.UncheckedIOException;

import com.example.orders.server.error.ErrorStatus;

import io.grpc.Context;
import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.helidon.http.http2.Http2ErrorCode;
import io.helidon.http.http2.Http2Exception;
import io.helidon.webserver.ServerConnectionException;

/**
 * Closes a call whose handler threw with the status {@link ErrorStatus} gives for the failure, or,
 * when it was the response that could not be written, with CANCELLED.
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
        String method = call.getMethodDescriptor().getBareMethodName();
        // A write fails after the client has cancelled too; that is reported as the cancel.
        Status status = Context.current().isCancelled() ? null : writeFailure(failure);
        if (status == null) {
            status = statusOf(method, failure);
        } else {
            LOG.log(System.Logger.Level.INFO, "{0}: {1} ({2})", method, status.getDescription(), failure.getMessage());
        }
        try {
            call.close(status, new Metadata());
        } catch (RuntimeException closeFailure) {
            // Still closed for the interceptors outside (counts, logs); the client cannot hear it anyway.
            LOG.log(System.Logger.Level.DEBUG, "Could not send " + status + " to the client", closeFailure);
        }
    }

    /** The status for a response that could not be written, or null if the failure is not that. */
    private static Status writeFailure(RuntimeException failure) {
        if (failure instanceof Http2Exception http2 && http2.code() == Http2ErrorCode.FLOW_CONTROL) {
            return Status.CANCELLED.withDescription("response stopped: the client took no message for too long "
                    + "(server.protocols.http_2.flow-control-timeout)");
        }
        if (failure instanceof ServerConnectionException || failure instanceof UncheckedIOException) {
            return Status.CANCELLED.withDescription("response stopped: the client's connection is gone");
        }
        return null;
    }

    private static Status statusOf(String method, RuntimeException failure) {
        try {
            return ErrorStatus.of(method, failure);
        } catch (RuntimeException mappingFailure) {
            // A call that is never closed hangs its client until the deadline: close it whatever happens.
            failure.addSuppressed(mappingFailure);
            LOG.log(System.Logger.Level.ERROR, "Could not map a failure to a status", failure);
            return Status.INTERNAL.withDescription("internal error");
        }
    }
}
