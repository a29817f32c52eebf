package com.example.orders.server.grpc;

import java.lang.System.Logger.Level;
import java.util.concurrent.atomic.AtomicInteger;

import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;

/**
 * One line per call on the {@code orders.access} logger, for example
 * {@code GetOrder NOT_FOUND 1.3 ms, 1 statement: order 7 not found}. Written before the status leaves,
 * so that once a client has its answer the call is in the log.
 */
final class AccessLog implements ServerInterceptor {

    private static final System.Logger LOG = System.getLogger("orders.access");

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call,
                                                      Metadata headers,
                                                      ServerCallHandler<Q, R> next) {
        long start = System.nanoTime();
        AtomicInteger statements = StatementCounting.ofCurrentCall();
        return next.startCall(new SimpleForwardingServerCall<>(call) {
            @Override
            public void close(Status status, Metadata trailers) {
                long nanos = System.nanoTime() - start;
                LOG.log(Level.INFO, () -> line(getMethodDescriptor().getBareMethodName(), status, nanos, statements.get()));
                super.close(status, trailers);
            }
        }, headers);
    }

    /** Built by hand: it runs on every call. */
    private static String line(String method, Status status, long nanos, int statements) {
        long tenthsOfMillis = (nanos + 50_000) / 100_000;
        StringBuilder line = new StringBuilder(96)
                .append(method).append(' ').append(status.getCode().name()).append(' ')
                .append(tenthsOfMillis / 10).append('.').append(tenthsOfMillis % 10).append(" ms, ")
                .append(statements).append(statements == 1 ? " statement" : " statements");
        if (!status.isOk()) {
            line.append(": ").append(status.getDescription());
        }
        return line.toString();
    }
}
