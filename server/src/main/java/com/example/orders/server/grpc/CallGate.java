package com.example.orders.server.grpc;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;

/**
 * Admits calls: at most {@code maxConcurrentCalls} at once (more get RESOURCE_EXHAUSTED rather than
 * queueing for the pool until they time out), and none once draining for shutdown (UNAVAILABLE, so
 * clients retry elsewhere) while those already admitted finish. Watches last until their client
 * leaves: they are not counted (their handler bounds them) nor waited for; they are only refused
 * while draining, and the server ends them itself.
 */
public final class CallGate implements ServerInterceptor {

    private final int maxConcurrentCalls;
    private final Set<String> watchMethods;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final Object idle = new Object();
    private volatile boolean draining;

    /** {@code watchMethods}: the full names of the methods that stream until their client leaves. */
    public CallGate(int maxConcurrentCalls, Set<String> watchMethods) {
        this.maxConcurrentCalls = maxConcurrentCalls;
        this.watchMethods = watchMethods;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call,
                                                      Metadata headers,
                                                      ServerCallHandler<Q, R> next) {
        if (draining) {
            return reject(call, Status.UNAVAILABLE.withDescription("the server is shutting down, retry"));
        }
        if (watchMethods.contains(call.getMethodDescriptor().getFullMethodName())) {
            return next.startCall(call, headers);
        }
        if (inFlight.incrementAndGet() > maxConcurrentCalls) {
            leave();
            return reject(call, Status.RESOURCE_EXHAUSTED.withDescription(
                    "more than " + maxConcurrentCalls + " calls in flight, retry later"));
        }
        // The slot is given back once, at the first sign that the call is over: its close, or the
        // transport's word that it completed or was cancelled (it may be closed outside this gate).
        AtomicBoolean left = new AtomicBoolean();
        Runnable leaveOnce = () -> {
            if (left.compareAndSet(false, true)) {
                leave();
            }
        };
        ServerCall.Listener<Q> listener = next.startCall(new SimpleForwardingServerCall<>(call) {
            @Override
            public void close(Status status, Metadata trailers) {
                try {
                    super.close(status, trailers);
                } finally {
                    leaveOnce.run();
                }
            }
        }, headers);
        return new SimpleForwardingServerCallListener<>(listener) {
            @Override
            public void onComplete() {
                leaveOnce.run();
                super.onComplete();
            }

            @Override
            public void onCancel() {
                leaveOnce.run();
                super.onCancel();
            }
        };
    }

    /** Stops admitting calls, then waits up to {@code grace} for those in flight; true if all ended. */
    public boolean drain(Duration grace) throws InterruptedException {
        draining = true;
        long deadline = System.nanoTime() + grace.toNanos();
        synchronized (idle) {
            while (inFlight.get() > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(idle, left);
            }
        }
        return true;
    }

    public int inFlight() {
        return inFlight.get();
    }

    private void leave() {
        if (inFlight.decrementAndGet() == 0) {
            synchronized (idle) {
                idle.notifyAll();
            }
        }
    }

    private static <Q> ServerCall.Listener<Q> reject(ServerCall<Q, ?> call, Status status) {
        call.close(status, new Metadata());
        return new ServerCall.Listener<>() {
        };
    }
}
