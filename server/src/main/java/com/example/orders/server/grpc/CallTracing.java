package com.example.orders.server.grpc;

import java.util.EnumSet;
import java.util.Set;

import com.example.orders.server.db.CallScope;

import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;

/**
 * Traces of calls (OpenTelemetry), when tracing is on: a span per call, of kind SERVER, named and
 * attributed as OpenTelemetry's conventions for gRPC say, the child of the caller's span when its
 * request carries one (W3C {@code traceparent}, or whatever OTEL_PROPAGATORS names); under it a span
 * per SQL statement, of kind CLIENT, named by its {@code Sql} name, with {@code db.system}
 * postgresql and nothing of its parameters. Off ({@link #OFF}), a call costs one test of a field.
 */
public final class CallTracing {

    public static final CallTracing OFF = new CallTracing(null, null);

    private static final AttributeKey<String> RPC_SYSTEM = AttributeKey.stringKey("rpc.system");
    private static final AttributeKey<String> RPC_SERVICE = AttributeKey.stringKey("rpc.service");
    private static final AttributeKey<String> RPC_METHOD = AttributeKey.stringKey("rpc.method");
    private static final AttributeKey<Long> RPC_GRPC_STATUS_CODE = AttributeKey.longKey("rpc.grpc.status_code");
    private static final AttributeKey<String> DB_SYSTEM = AttributeKey.stringKey("db.system");
    private static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
    /** The codes that mark a server span failed: the server's fault, not the caller's (the gRPC conventions). */
    private static final Set<Status.Code> SERVER_ERRORS = EnumSet.of(Status.Code.UNKNOWN, Status.Code.DEADLINE_EXCEEDED,
            Status.Code.UNIMPLEMENTED, Status.Code.INTERNAL, Status.Code.UNAVAILABLE, Status.Code.DATA_LOSS);
    private static final TextMapGetter<Metadata> HEADERS = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Metadata headers) {
            return headers.keys();
        }

        @Override
        public String get(Metadata headers, String key) {
            // The propagators read text headers only; a binary one cannot be read as text.
            if (headers == null || key.endsWith(Metadata.BINARY_HEADER_SUFFIX)) {
                return null;
            }
            return headers.get(Metadata.Key.of(key, Metadata.ASCII_STRING_MARSHALLER));
        }
    };

    private final Tracer tracer;
    private final TextMapPropagator propagator;

    private CallTracing(Tracer tracer, TextMapPropagator propagator) {
        this.tracer = tracer;
        this.propagator = propagator;
    }

    /** Tracing through this OpenTelemetry (its tracer and its propagators). */
    public static CallTracing with(OpenTelemetry openTelemetry) {
        return new CallTracing(openTelemetry.getTracer("com.example.orders.server"),
                               openTelemetry.getPropagators().getTextMapPropagator());
    }

    boolean isOn() {
        return tracer != null;
    }

    /** The span of a call that starts, under the caller's if its headers carry one. */
    Span startCall(MethodDescriptor<?, ?> method, Metadata headers) {
        Context caller = propagator.extract(Context.root(), headers, HEADERS);
        return tracer.spanBuilder(method.getFullMethodName())
                .setParent(caller)
                .setSpanKind(SpanKind.SERVER)
                .setAttribute(RPC_SYSTEM, "grpc")
                .setAttribute(RPC_SERVICE, method.getServiceName())
                .setAttribute(RPC_METHOD, method.getBareMethodName())
                .startSpan();
    }

    static void endCall(Span call, Status status) {
        call.setAttribute(RPC_GRPC_STATUS_CODE, (long) status.getCode().value());
        if (SERVER_ERRORS.contains(status.getCode())) {
            call.setStatus(StatusCode.ERROR, status.getCode().name());
        }
        call.end();
    }

    /** The span of a statement the call runs, ended by the returned end. */
    CallScope.StatementEnd startStatement(Span call, String name) {
        Span statement = tracer.spanBuilder(name)
                .setParent(Context.root().with(call))
                .setSpanKind(SpanKind.CLIENT)
                .setAttribute(DB_SYSTEM, "postgresql")
                .startSpan();
        return failure -> {
            if (failure != null) {
                // The exception's class, not its message: PostgreSQL's messages may quote the values.
                statement.setAttribute(ERROR_TYPE, failure.getClass().getName());
                statement.setStatus(StatusCode.ERROR);
            }
            statement.end();
        };
    }
}
