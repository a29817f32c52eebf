package com.example.orders.server.db;

import java.util.concurrent.atomic.LongAdder;

import io.helidon.dbclient.DbClientService;
import io.helidon.dbclient.DbClientServiceContext;

/**
 * Counts the statements each call runs (into its {@link CallScope}, for its access-log line) and
 * their total. Statements run outside a call, such as health checks, are not counted.
 */
public final class StatementCounter implements DbClientService {

    private final LongAdder statements = new LongAdder();

    @Override
    public DbClientServiceContext statement(DbClientServiceContext context) {
        // DbClient runs the service on the thread that runs the statement: the call's thread.
        CallScope call = CallScope.current();
        if (call.isCall()) {
            call.countStatement();
            statements.increment();
        }
        return context;
    }

    /** Statements run by calls since start. */
    public long total() {
        return statements.sum();
    }
}
