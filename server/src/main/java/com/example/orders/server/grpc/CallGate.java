package com.example.orders.server.grpc;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;

/**
 * Admits calls: at most {@code maxConcurrentCalls} at once (more get RESOURCE_EXHAUSTED rather than
 * queueing for the pool until they time out), and none once draining for shutdown (UNAVAILABLE, so
 * clients retry elsewhere) while those already admitted finish.
 */
public final class CallGate implements ServerInterceptor {

    private final int maxConcurrentCalls;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final Object idle = new Object();
    private volatile boolean draining;

    public CallGate(int maxConcurrentCalls) {
        this.maxConcurrentCalls = maxConcurrentCalls;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call,
                                                      Metadata headers,
                                                      ServerCallHandler<Q, R> next) {
        if (draining) {
            return reject(call, Status.UNAVAILABLE.withDescription("the server is shutting down, retry"));
        }
        if (inFlight.incrementAndGet() > maxConcurrentCalls) {
            leave();
            return reject(call, Status.RESOURCE_EXHAUSTED.withDescription(
                    "more than " + maxConcurrentCalls + " calls in flight, retry later"));
        }
        return next.startCall(new SimpleForwardingServerCall<>(call) {
            private final AtomicBoolean closed = new AtomicBoolean();

            @Override
            public void close(Status status, Metadata trailers) {
                try {
                    super.close(status, trailers);
                } finally {
                    if (closed.compareAndSet(false, true)) {
                        leave();
                    }
                }
            }
        }, headers);
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
