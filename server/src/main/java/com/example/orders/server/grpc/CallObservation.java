package com.example.orders.server.grpc;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

import com.example.orders.server.db.CallScope;

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
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;

/**
 * What each call leaves for the operator, recorded before its status goes out (so that once a
 * client has its answer, the call is in the log, the metrics and its trace): a line on the
 * {@code orders.access} logger ({@link AccessLogRecord}); per method and status code its duration
 * (grpc.server.call.duration, a histogram) and its SQL statements (grpc.server.call.statements),
 * labelled as gRPC's own OpenTelemetry metrics are (gRFC A66: {@code grpc_method}, the full method
 * name, and {@code grpc_status}, the code's name); and with tracing on, its span and its
 * statements' ({@link CallTracing}). The data layer tells of the statements through the
 * {@link CallScope.Statements} this gives each call in its io.grpc.Context
 * ({@link #statementsOfCurrentCall()}).
 */
final class CallObservation implements ServerInterceptor {

    private static final Logger ACCESS_LOG = Logger.getLogger(AccessLogRecord.LOGGER);
    private static final Context.Key<CallStatements> STATEMENTS = Context.key("orders.statements");
    private static final Duration[] LATENCY_BUCKETS = {
            Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5), Duration.ofMillis(10),
            Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
            Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5),
            Duration.ofSeconds(10)};

    private final MeterRegistry registry;
    private final CallTracing tracing;
    /** Made once per method and code rather than looked up in the registry on every call. */
    private final Map<String, Meters> metersByCall = new ConcurrentHashMap<>();

    CallObservation(MeterRegistry registry, CallTracing tracing) {
        this.registry = registry;
        this.tracing = tracing;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call,
                                                      Metadata headers,
                                                      ServerCallHandler<Q, R> next) {
        long start = System.nanoTime();
        Span span = tracing.isOn() ? tracing.startCall(call.getMethodDescriptor(), headers) : null;
        CallStatements statements = new CallStatements(tracing, span);
        ServerCall<Q, R> observed = new SimpleForwardingServerCall<>(call) {
            @Override
            public void close(Status status, Metadata trailers) {
                long nanos = System.nanoTime() - start;
                String method = getMethodDescriptor().getFullMethodName();
                int count = statements.count.get();
                if (ACCESS_LOG.isLoggable(Level.INFO)) {
                    ACCESS_LOG.log(new AccessLogRecord(method, status, nanos, count, traceId(span)));
                }
                Meters meters = meters(method, status.getCode());
                meters.duration().record(nanos, TimeUnit.NANOSECONDS);
                meters.statements().increment(count);
                if (span != null) {
                    CallTracing.endCall(span, status);
                }
                super.close(status, trailers);
            }
        };
        return Contexts.interceptCall(Context.current().withValue(STATEMENTS, statements), observed, headers, next);
    }

    /** Where the data layer tells of the statements of the call being intercepted (a count of none outside one). */
    static CallScope.Statements statementsOfCurrentCall() {
        CallStatements statements = STATEMENTS.get();
        return statements == null ? new CallStatements(CallTracing.OFF, null) : statements;
    }

    private static String traceId(Span span) {
        if (span == null) {
            return null;
        }
        SpanContext context = span.getSpanContext();
        return context.isValid() ? context.getTraceId() : null;
    }

    private Meters meters(String method, Status.Code code) {
        return metersByCall.computeIfAbsent(method + " " + code, key -> {
            List<Tag> tags = List.of(Tag.create("grpc_method", method), Tag.create("grpc_status", code.name()));
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

    /** A call's statements: counted, and with tracing on, each in a span under the call's. */
    private static final class CallStatements implements CallScope.Statements {

        private final AtomicInteger count = new AtomicInteger();
        private final CallTracing tracing;
        /** Null when the call is not traced. */
        private final Span span;

        CallStatements(CallTracing tracing, Span span) {
            this.tracing = tracing;
            this.span = span;
        }

        @Override
        public void counted() {
            count.incrementAndGet();
        }

        @Override
        public CallScope.StatementEnd started(String name) {
            count.incrementAndGet();
            return span == null ? CallScope.StatementEnd.NONE : tracing.startStatement(span, name);
        }
    }
}
