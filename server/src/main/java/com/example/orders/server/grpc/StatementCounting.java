package com.example.orders.server.grpc;

import java.util.concurrent.atomic.AtomicInteger;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;

/**
 * Gives each call a count of its statements in its io.grpc.Context: the data layer adds to it (through
 * the call's CallScope, see {@link DatabaseScope}), the access log and the metrics, which come after
 * this in the pipeline, read it.
 */
final class StatementCounting implements ServerInterceptor {

    private static final Context.Key<AtomicInteger> STATEMENTS = Context.key("orders.statements");

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call,
                                                      Metadata headers,
                                                      ServerCallHandler<Q, R> next) {
        Context counting = Context.current().withValue(STATEMENTS, new AtomicInteger());
        return Contexts.interceptCall(counting, call, headers, next);
    }

    /** The count of the call being intercepted, or a fresh one if none was given (read 0). */
    static AtomicInteger ofCurrentCall() {
        AtomicInteger statements = STATEMENTS.get();
        return statements == null ? new AtomicInteger() : statements;
    }
}
