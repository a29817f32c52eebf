package com.example.orders.server.db;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Collectors;

import io.helidon.dbclient.DbClientService;
import io.helidon.dbclient.DbClientServiceContext;
import io.helidon.metrics.api.MeterRegistry;
import io.helidon.metrics.api.Tag;
import io.helidon.metrics.api.Timer;

/**
 * What DbClient tells of each statement it runs: told to its call's {@link CallScope} (which counts
 * it for the access log and may trace it) and counted in a total of the calls' statements, and timed
 * by named statement of {@link Sql} in one histogram, db.statement.duration with the label
 * {@code statement} (Prometheus: db_statement_duration_seconds), from its start until DbClient
 * reports it done: for a query, when its result is closed. Statements run outside a call, such as
 * the event sequencer's, are timed but not counted.
 */
public final class StatementObservation implements DbClientService {

    private static final Duration[] BUCKETS = {
            Duration.ofNanos(500_000), Duration.ofMillis(1), Duration.ofNanos(2_500_000), Duration.ofMillis(5),
            Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100),
            Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500),
            Duration.ofSeconds(5), Duration.ofSeconds(10)};

    private final Map<String, Timer> timers;
    private final LongAdder callStatements = new LongAdder();

    private StatementObservation(Map<String, Timer> timers) {
        this.timers = timers;
    }

    public static StatementObservation register(MeterRegistry registry) {
        return new StatementObservation(Arrays.stream(Sql.values()).collect(Collectors.toUnmodifiableMap(Sql::name,
                sql -> registry.getOrCreate(Timer.builder("db.statement.duration")
                        .description("Time of each named SQL statement, by statement")
                        .tags(List.of(Tag.create("statement", sql.name())))
                        .buckets(BUCKETS)
                        // No client-side percentiles (Helidon's default): histogram_quantile over
                        // the buckets gives them, aggregated across instances.
                        .percentiles(new double[0])))));
    }

    @Override
    public DbClientServiceContext statement(DbClientServiceContext context) {
        // DbClient runs the service on the thread that runs the statement: the call's thread.
        CallScope call = CallScope.current();
        if (call.isCall()) {
            callStatements.increment();
        }
        CallScope.StatementEnd end = call.statementStarted(context.statementName());
        Timer timer = timers.get(context.statementName());
        if (timer != null || end != CallScope.StatementEnd.NONE) {
            long start = System.nanoTime();
            context.statementFuture().whenComplete((done, failure) -> {
                if (timer != null) {
                    timer.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
                }
                end.ended(failure);
            });
        }
        return context;
    }

    /** Statements run by calls since start. */
    public long callStatements() {
        return callStatements.sum();
    }
}
