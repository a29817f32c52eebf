package com.example.orders.server.db;

import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import io.helidon.dbclient.DbClientService;
import io.helidon.dbclient.DbClientServiceContext;
import io.helidon.metrics.api.MeterRegistry;
import io.helidon.metrics.api.Timer;

/**
 * A timer per named statement of {@link Sql}, published as db.statement.NAME (Prometheus:
 * db_statement_NAME_seconds). It measures from the start of a statement until DbClient reports it
 * done: for a query, when its result is closed.
 */
public final class StatementMetrics implements DbClientService {

    private final Map<String, Timer> timers;

    private StatementMetrics(Map<String, Timer> timers) {
        this.timers = timers;
    }

    public static StatementMetrics register(MeterRegistry registry) {
        return new StatementMetrics(Arrays.stream(Sql.values()).collect(Collectors.toUnmodifiableMap(Sql::name,
                sql -> registry.getOrCreate(Timer.builder("db.statement." + sql.name())
                        .description("Time of each named SQL statement")))));
    }

    @Override
    public DbClientServiceContext statement(DbClientServiceContext context) {
        Timer timer = timers.get(context.statementName());
        if (timer != null) {
            long start = System.nanoTime();
            context.statementFuture().whenComplete(
                    (done, failure) -> timer.record(System.nanoTime() - start, TimeUnit.NANOSECONDS));
        }
        return context;
    }
}
