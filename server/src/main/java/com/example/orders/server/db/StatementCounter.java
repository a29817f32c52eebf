package com.example.orders.server.db;

import java.util.concurrent.atomic.LongAdder;

import io.helidon.dbclient.DbClientService;
import io.helidon.dbclient.DbClientServiceContext;

/** Counts every SQL statement the DbClient runs, to watch that no call runs more than planned. */
public final class StatementCounter implements DbClientService {

    private final LongAdder statements = new LongAdder();

    @Override
    public DbClientServiceContext statement(DbClientServiceContext context) {
        statements.increment();
        return context;
    }

    public long total() {
        return statements.sum();
    }
}
