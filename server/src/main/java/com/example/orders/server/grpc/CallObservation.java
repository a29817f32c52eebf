package com.example.orders.server.grpc;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.helidon.metrics.api.Counter;
import io.helidon.metrics.api.MeterRegistry;
import io.helidon.metrics.api.Tag;
import io.helidon.metrics.api.Timer;

/**
 * What each call leaves for the operator, recorded before its status goes out (so that once a
 * client has its answer, the call is in the log and the metrics): one line on the
 * {@code orders.access} logger, e.g. {@code GetOrder NOT_FOUND 1.3 ms, 1 statement: order 7 not found},
 * and per method and status code its duration (grpc.server.call.duration, a histogram) and its SQL
 * statements (grpc.server.call.statements). The statements are counted by the data layer, into the
 * count this gives each call in its io.grpc.Context ({@link #statementsOfCurrentCall()}).
 */
final class CallObservation implements ServerInterceptor {

    private static final System.Logger ACCESS_LOG = System.getLogger("orders.access");
    private static final Context.Key<AtomicInteger> STATEMENTS = Context.key("orders.statements");
    private static final Duration[] LATENCY_BUCKETS = {
            Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5), Duration.ofMillis(10),
            Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
            Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5),
            Duration.ofSeconds(10)};

    private final MeterRegistry registry;
    /** Made once per method and code rather than looked up in the registry on every call. */
    private final Map<String, Meters> metersByCall = new ConcurrentHashMap<>();

    CallObservation(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call,
                                                      Metadata headers,
                                                      ServerCallHandler<Q, R> next) {
        long start = System.nanoTime();
        AtomicInteger statements = new AtomicInteger();
        ServerCall<Q, R> observed = new SimpleForwardingServerCall<>(call) {
            @Override
            public void close(Status status, Metadata trailers) {
                long nanos = System.nanoTime() - start;
                String method = getMethodDescriptor().getBareMethodName();
                ACCESS_LOG.log(Level.INFO, () -> line(method, status, nanos, statements.get()));
                Meters meters = meters(method, status.getCode());
                meters.duration().record(nanos, TimeUnit.NANOSECONDS);
                meters.statements().increment(statements.get());
                super.close(status, trailers);
            }
        };
        return Contexts.interceptCall(Context.current().withValue(STATEMENTS, statements), observed, headers, next);
    }

    /** The statement count of the call being intercepted, or a fresh one if none was given (read 0). */
    static AtomicInteger statementsOfCurrentCall() {
        AtomicInteger statements = STATEMENTS.get();
        return statements == null ? new AtomicInteger() : statements;
    }

    /** Built by hand: it runs on every call. */
    static String line(String method, Status status, long nanos, int statements) {
        long tenthsOfMillis = (nanos + 50_000) / 100_000;
        StringBuilder line = new StringBuilder(96)
                .append(method).append(' ').append(status.getCode().name()).append(' ')
                .append(tenthsOfMillis / 10).append('.').append(tenthsOfMillis % 10).append(" ms, ")
                .append(statements).append(statements == 1 ? " statement" : " statements");
        if (!status.isOk()) {
            line.append(": ").append(status.getDescription());
        }
        return line.toString();
    }

    private Meters meters(String method, Status.Code code) {
        return metersByCall.computeIfAbsent(method + " " + code, key -> {
            List<Tag> tags = List.of(Tag.create("method", method), Tag.create("code", code.name()));
            return new Meters(
                    registry.getOrCreate(Timer.builder("grpc.server.call.duration")
                            .description("gRPC calls by method and status code")
                            .tags(tags)
                            .buckets(LATENCY_BUCKETS)
                            // Helidon gives every timer six client-side percentiles by default; in a
                            // histogram they come out as quantile series, which Prometheus's linter
                            // rejects and which cannot be aggregated. histogram_quantile over the
                            // buckets gives the same across instances.
                            .percentiles(new double[0])),
                    registry.getOrCreate(Counter.builder("grpc.server.call.statements")
                            .description("SQL statements run by gRPC calls, by method and status code")
                            .tags(tags)));
        });
    }

    private record Meters(Timer duration, Counter statements) {
    }
}
