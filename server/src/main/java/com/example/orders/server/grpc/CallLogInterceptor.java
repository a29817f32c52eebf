package com.example.orders.server.grpc;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.example.orders.server.db.CallContext;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Deadline;
import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.helidon.metrics.api.Counter;
import io.helidon.metrics.api.Metrics;
import io.helidon.metrics.api.Tag;
import io.helidon.metrics.api.Timer;

/**
 * Per call: gives the data layer the client's deadline and a statement counter (through the
 * io.grpc.Context), and when the call ends writes one access-log line (method, status, duration,
 * statements) and records the call metrics.
 */
final class CallLogInterceptor implements ServerInterceptor {

    private static final System.Logger ACCESS_LOG = System.getLogger("orders.access");
    /** Helidon 4.1.7 does not turn the grpc-timeout header into a deadline; it is read here. */
    private static final Metadata.Key<String> GRPC_TIMEOUT = Metadata.Key.of("grpc-timeout", Metadata.ASCII_STRING_MARSHALLER);
    private static final Duration[] LATENCY_BUCKETS = {
            Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5), Duration.ofMillis(10),
            Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
            Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5),
            Duration.ofSeconds(10)};

    private final Map<String, CallMeters> metersByCall = new ConcurrentHashMap<>();

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call,
                                                      Metadata headers,
                                                      ServerCallHandler<Q, R> next) {
        long start = System.nanoTime();
        String method = call.getMethodDescriptor().getBareMethodName();
        AtomicInteger statements = new AtomicInteger();
        Context context = Context.current().withValue(CallContext.STATEMENTS, statements);
        Deadline deadline = deadline(headers);
        if (deadline != null) {
            context = context.withValue(CallContext.DEADLINE, deadline);
        }
        ServerCall<Q, R> logged = new SimpleForwardingServerCall<>(call) {
            @Override
            public void close(Status status, Metadata trailers) {
                // Before the status leaves: once a client has its answer, the call is in the log and metrics.
                record(method, status, Duration.ofNanos(System.nanoTime() - start), statements.get());
                super.close(status, trailers);
            }
        };
        return Contexts.interceptCall(context, logged, headers, next);
    }

    private void record(String method, Status status, Duration duration, int statements) {
        String code = status.getCode().name();
        ACCESS_LOG.log(Level.INFO, () -> accessLine(method, code, duration, statements, status));
        CallMeters meters = metersByCall.computeIfAbsent(method + " " + code, key -> CallMeters.of(method, code));
        meters.duration().record(duration);
        meters.statements().increment(statements);
    }

    /** For example "GetOrder NOT_FOUND 1.3 ms, 1 statement: order 7 not found". Built by hand: it runs on every call. */
    private static String accessLine(String method, String code, Duration duration, int statements, Status status) {
        long tenthsOfMillis = (duration.toNanos() + 50_000) / 100_000;
        StringBuilder line = new StringBuilder(96)
                .append(method).append(' ').append(code).append(' ')
                .append(tenthsOfMillis / 10).append('.').append(tenthsOfMillis % 10).append(" ms, ")
                .append(statements).append(statements == 1 ? " statement" : " statements");
        if (!status.isOk()) {
            line.append(": ").append(status.getDescription());
        }
        return line.toString();
    }

    /** The meters of one method and status code, made once rather than looked up on every call. */
    private record CallMeters(Timer duration, Counter statements) {

        static CallMeters of(String method, String code) {
            List<Tag> methodAndCode = List.of(Tag.create("method", method), Tag.create("code", code));
            return new CallMeters(
                    Metrics.globalRegistry().getOrCreate(Timer.builder("grpc.server.call.duration")
                            .description("gRPC calls by method and status code")
                            .tags(methodAndCode)
                            .buckets(LATENCY_BUCKETS)),
                    Metrics.globalRegistry().getOrCreate(Counter.builder("grpc.server.call.statements")
                            .description("SQL statements run by gRPC calls, by method and status code")
                            .tags(methodAndCode)));
        }
    }

    /** The deadline in a grpc-timeout header: up to 8 digits and a unit (H, M, S, m, u, n). */
    static Deadline deadline(Metadata headers) {
        String timeout = headers.get(GRPC_TIMEOUT);
        if (timeout == null || timeout.length() < 2 || timeout.length() > 9) {
            return null;
        }
        long amount;
        try {
            amount = Long.parseLong(timeout.substring(0, timeout.length() - 1));
        } catch (NumberFormatException e) {
            return null;
        }
        TimeUnit unit = switch (timeout.charAt(timeout.length() - 1)) {
            case 'H' -> TimeUnit.HOURS;
            case 'M' -> TimeUnit.MINUTES;
            case 'S' -> TimeUnit.SECONDS;
            case 'm' -> TimeUnit.MILLISECONDS;
            case 'u' -> TimeUnit.MICROSECONDS;
            case 'n' -> TimeUnit.NANOSECONDS;
            default -> null;
        };
        return unit == null || amount < 0 ? null : Deadline.after(amount, unit);
    }
}
