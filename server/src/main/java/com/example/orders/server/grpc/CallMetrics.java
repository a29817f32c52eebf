package com.example.orders.server.grpc;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

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
 * Per method and status code: the calls' durations (grpc.server.call.duration, a histogram) and their
 * statements (grpc.server.call.statements). Recorded before the status leaves, as the access log.
 */
final class CallMetrics implements ServerInterceptor {

    private static final Duration[] LATENCY_BUCKETS = {
            Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5), Duration.ofMillis(10),
            Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
            Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5),
            Duration.ofSeconds(10)};

    private final MeterRegistry registry;
    /** Made once per method and code rather than looked up in the registry on every call. */
    private final Map<String, Meters> metersByCall = new ConcurrentHashMap<>();

    CallMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call,
                                                      Metadata headers,
                                                      ServerCallHandler<Q, R> next) {
        long start = System.nanoTime();
        AtomicInteger statements = StatementCounting.ofCurrentCall();
        return next.startCall(new SimpleForwardingServerCall<>(call) {
            @Override
            public void close(Status status, Metadata trailers) {
                Meters meters = meters(getMethodDescriptor().getBareMethodName(), status.getCode());
                meters.duration().record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
                meters.statements().increment(statements.get());
                super.close(status, trailers);
            }
        }, headers);
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
