package com.example.orders.server.grpc;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;
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
        Slot slot = new Slot();
        ServerCall.Listener<Q> listener = next.startCall(new SimpleForwardingServerCall<>(call) {
            @Override
            public void close(Status status, Metadata trailers) {
                // Before the close goes out: a client that sends its next call once it has this answer
                // must find the slot free.
                slot.free();
                super.close(status, trailers);
            }
        }, headers);
        return new SimpleForwardingServerCallListener<>(listener) {
            /**
             * The work starts once the request has arrived, and the slot is taken then: a call whose
             * request never comes (its connection died, say, which Helidon does not tell the call)
             * holds none.
             */
            @Override
            public void onHalfClose() {
                Status refused = slot.take();
                if (refused != null) {
                    call.close(refused, new Metadata());
                    return;
                }
                super.onHalfClose();
            }

            // The slot is given back once, at the first sign that the call is over: its close, or the
            // transport's word that it completed or was cancelled (it may be closed outside this gate).
            @Override
            public void onComplete() {
                slot.free();
                super.onComplete();
            }

            @Override
            public void onCancel() {
                slot.free();
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

    /** A call's place in the count: taken at most once, given back at most once. */
    private final class Slot {

        private static final int WAITING = 0;
        private static final int TAKEN = 1;
        private static final int FREED = 2;

        private final AtomicInteger state = new AtomicInteger(WAITING);

        /** Takes a place if there is one: null, else the status that refuses the call. */
        Status take() {
            if (draining) {
                return Status.UNAVAILABLE.withDescription("the server is shutting down, retry");
            }
            if (inFlight.incrementAndGet() > maxConcurrentCalls) {
                leave();
                return Status.RESOURCE_EXHAUSTED.withDescription(
                        "more than " + maxConcurrentCalls + " calls in flight, retry later");
            }
            if (!state.compareAndSet(WAITING, TAKEN)) {
                leave(); // the call ended before its request came
                return Status.CANCELLED.withDescription("the call ended");
            }
            return null;
        }

        void free() {
            if (state.getAndSet(FREED) == TAKEN) {
                leave();
            }
        }
    }

    private static <Q> ServerCall.Listener<Q> reject(ServerCall<Q, ?> call, Status status) {
        call.close(status, new Metadata());
        return new ServerCall.Listener<>() {
        };
    }
}
