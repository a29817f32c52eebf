package com.example.orders.server.db;

import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Collectors;

import io.helidon.dbclient.DbClientService;
import io.helidon.dbclient.DbClientServiceContext;
import io.helidon.metrics.api.MeterRegistry;
import io.helidon.metrics.api.Timer;

/**
 * What DbClient tells of each statement it runs: counted into its call's {@link CallScope} (for the
 * access log) and in a total of the calls' statements, and timed per named statement of {@link Sql}
 * (db.statement.NAME; Prometheus: db_statement_NAME_seconds), from its start until DbClient reports it
 * done: for a query, when its result is closed. Statements run outside a call, such as the event
 * sequencer's, are timed but not counted.
 */
public final class StatementObservation implements DbClientService {

    private final Map<String, Timer> timers;
    private final LongAdder callStatements = new LongAdder();

    private StatementObservation(Map<String, Timer> timers) {
        this.timers = timers;
    }

    public static StatementObservation register(MeterRegistry registry) {
        return new StatementObservation(Arrays.stream(Sql.values()).collect(Collectors.toUnmodifiableMap(Sql::name,
                sql -> registry.getOrCreate(Timer.builder("db.statement." + sql.name())
                        .description("Time of each named SQL statement")))));
    }

    @Override
    public DbClientServiceContext statement(DbClientServiceContext context) {
        // DbClient runs the service on the thread that runs the statement: the call's thread.
        CallScope call = CallScope.current();
        if (call.isCall()) {
            call.countStatement();
            callStatements.increment();
        }
        Timer timer = timers.get(context.statementName());
        if (timer != null) {
            long start = System.nanoTime();
            context.statementFuture().whenComplete(
                    (done, failure) -> timer.record(System.nanoTime() - start, TimeUnit.NANOSECONDS));
        }
        return context;
    }

    /** Statements run by calls since start. */
    public long callStatements() {
        return callStatements.sum();
    }
}
