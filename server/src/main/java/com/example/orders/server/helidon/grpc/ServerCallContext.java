package com.example.orders.server.helidon.grpc;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Deadline;
import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;

/**
 * Gives each call the {@link io.grpc.Context} that grpc-java's own server gives it, which Helidon does
 * not: one whose deadline is the client's ({@code grpc-timeout}), and which is cancelled when that
 * deadline passes, when the client cancels (Helidon's {@code onCancel}) or when the call ends. The
 * data layer stops a running statement when the context is cancelled.
 */
public final class ServerCallContext implements ServerInterceptor {

    private static final Metadata.Key<String> GRPC_TIMEOUT = Metadata.Key.of("grpc-timeout", Metadata.ASCII_STRING_MARSHALLER);
    /** Fires the deadlines of all calls, as grpc-java's one timer thread does. */
    private static final ScheduledExecutorService DEADLINES = deadlineTimer();

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call,
                                                      Metadata headers,
                                                      ServerCallHandler<Q, R> next) {
        Deadline deadline = deadline(headers);
        Context.CancellableContext context = deadline == null
                ? Context.current().withCancellation()
                : Context.current().withDeadline(deadline, DEADLINES);
        ServerCall<Q, R> ending = new SimpleForwardingServerCall<>(call) {
            @Override
            public void close(Status status, Metadata trailers) {
                try {
                    super.close(status, trailers);
                } finally {
                    context.cancel(null);
                }
            }
        };
        return new SimpleForwardingServerCallListener<>(Contexts.interceptCall(context, ending, headers, next)) {
            @Override
            public void onCancel() {
                context.cancel(Status.CANCELLED.withDescription("the client cancelled the call").asException());
                super.onCancel();
            }

            @Override
            public void onComplete() {
                context.cancel(null);
                super.onComplete();
            }
        };
    }

    /** The deadline in a grpc-timeout header: up to 8 digits and a unit (H, M, S, m, u, n); null if none. */
    static Deadline deadline(Metadata headers) {
        String timeout = headers.get(GRPC_TIMEOUT);
        if (timeout == null || timeout.length() < 2 || timeout.length() > 9) {
            return null;
        }
        long amount;
        try {
            amount = Long.parseLong(timeout, 0, timeout.length() - 1, 10);
        } catch (NumberFormatException e) {
            return null;
        }
        TimeUnit unit = switch (timeout.charAt(timeout.length() - 1)) {
            case 'H' -> TimeUnit.HOURS;
            case 'M' -> TimeUnit.MINUTES;
            case 'S' -> TimeUnit.SECONDS;
            case 'm' -> TimeUnit.MILLISECONDS;
            case 'u' -> TimeUnit.MICROSECONDS;
            case 'n' -> TimeUnit.NANOSECONDS;
            default -> null;
        };
        return unit == null || amount < 0 ? null : Deadline.after(amount, unit);
    }

    private static ScheduledExecutorService deadlineTimer() {
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1,
                Thread.ofPlatform().name("grpc-deadlines").daemon().factory());
        timer.setRemoveOnCancelPolicy(true); // most calls end before their deadline
        return Executors.unconfigurableScheduledExecutorService(timer);
    }
}
