package com.example.orders.server.db;

import java.util.concurrent.atomic.AtomicInteger;

import io.grpc.Context;
import io.grpc.Deadline;

/**
 * What the data layer learns about the gRPC call it works for, through the io.grpc.Context that the
 * call's interceptor attaches while the handler runs: its deadline, and a count of its statements.
 */
public final class CallContext {

    /** The client's deadline; absent when the client set none. */
    public static final Context.Key<Deadline> DEADLINE = Context.key("orders.deadline");
    /** Statements the call has run so far. */
    public static final Context.Key<AtomicInteger> STATEMENTS = Context.key("orders.statements");

    private CallContext() {
    }
}
