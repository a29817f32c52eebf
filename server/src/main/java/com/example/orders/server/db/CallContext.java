package com.example.orders.server.db;

import java.util.concurrent.atomic.AtomicInteger;

import io.grpc.Context;

/**
 * What the data layer learns about the gRPC call it works for, through the call's io.grpc.Context:
 * besides the standard deadline and cancellation, a count of its statements.
 */
public final class CallContext {

    /** Statements the call has run so far. */
    public static final Context.Key<AtomicInteger> STATEMENTS = Context.key("orders.statements");

    private CallContext() {
    }
}
