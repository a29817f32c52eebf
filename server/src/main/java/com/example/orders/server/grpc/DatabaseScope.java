package com.example.orders.server.grpc;

import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

import com.example.orders.server.db.CallScope;

import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;

/**
 * Gives the data layer the call it works for, as a {@link CallScope} attached to the thread during
 * each of the call's listener callbacks (its handler runs in one): the deadline and cancellation of
 * the call's io.grpc.Context, where to count its statements, and the WAL position its reads must see,
 * from the request header {@value #MIN_LSN_HEADER}. A write's position goes back in the response
 * header of the same name: a client that sends back the largest it has received reads its own
 * writes through any instance, even from a standby (docs/scaling.md).
 */
final class DatabaseScope implements ServerInterceptor {

    static final String MIN_LSN_HEADER = "orders-min-lsn";
    private static final Metadata.Key<String> MIN_LSN = Metadata.Key.of(MIN_LSN_HEADER, Metadata.ASCII_STRING_MARSHALLER);
    /** 2^64 - 1, the largest WAL position, has 20 digits. */
    private static final int MAX_DIGITS = 20;

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call,
                                                      Metadata headers,
                                                      ServerCallHandler<Q, R> next) {
        long readsAtLeast;
        try {
            readsAtLeast = readsAtLeast(headers.get(MIN_LSN));
        } catch (IllegalArgumentException e) {
            call.close(Status.INVALID_ARGUMENT.withDescription(e.getMessage()), new Metadata());
            return new ServerCall.Listener<>() {
            };
        }
        CallScope scope = CallScope.of(cancellation(Context.current()), readsAtLeast, CallObservation.statementsOfCurrentCall());
        ServerCall<Q, R> answering = new SimpleForwardingServerCall<>(call) {
            @Override
            public void sendHeaders(Metadata responseHeaders) {
                long written = scope.written();
                if (written > 0) {
                    responseHeaders.put(MIN_LSN, Long.toUnsignedString(written));
                }
                super.sendHeaders(responseHeaders);
            }
        };
        return new SimpleForwardingServerCallListener<>(next.startCall(answering, headers)) {
            @Override
            public void onMessage(Q message) {
                scope.runAttached(() -> super.onMessage(message));
            }

            @Override
            public void onHalfClose() {
                scope.runAttached(super::onHalfClose);
            }

            @Override
            public void onCancel() {
                scope.runAttached(super::onCancel);
            }

            @Override
            public void onComplete() {
                scope.runAttached(super::onComplete);
            }

            @Override
            public void onReady() {
                scope.runAttached(super::onReady);
            }
        };
    }

    /**
     * The position in a {@value #MIN_LSN_HEADER} header: an unsigned decimal of at most 64 bits; 0
     * without one. Positions beyond 2^63 - 1, which no PostgreSQL reaches, read as the largest.
     */
    static long readsAtLeast(String header) {
        if (header == null) {
            return 0;
        }
        if (header.isEmpty() || header.length() > MAX_DIGITS || !header.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new IllegalArgumentException("header " + MIN_LSN_HEADER + " must be the unsigned decimal WAL "
                    + "position of a response's " + MIN_LSN_HEADER + " header, not \"" + shortened(header) + "\"");
        }
        try {
            long position = Long.parseUnsignedLong(header);
            return position < 0 ? Long.MAX_VALUE : position;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("header " + MIN_LSN_HEADER + " is beyond 2^64 - 1: " + header);
        }
    }

    private static String shortened(String header) {
        return header.length() > 40 ? header.substring(0, 40) + "..." : header;
    }

    /** The call's io.grpc.Context, as the data layer sees it. */
    private static CallScope.Cancellation cancellation(Context call) {
        return new CallScope.Cancellation() {
            @Override
            public boolean isCancelled() {
                return call.isCancelled();
            }

            @Override
            public long nanosLeft() {
                Deadline deadline = call.getDeadline();
                return deadline == null ? Long.MAX_VALUE : deadline.timeRemaining(TimeUnit.NANOSECONDS);
            }

            @Override
            public Runnable onCancel(Runnable action, Executor executor) {
                Context.CancellationListener listener = context -> action.run();
                call.addListener(listener, executor);
                return () -> call.removeListener(listener);
            }
        };
    }
}
