package com.example.orders.server.grpc;

import java.util.logging.Level;
import java.util.logging.LogRecord;

import io.grpc.Status;

/**
 * A call's line of the access log (logger {@code orders.access}), with what it tells as fields for
 * a structured log: its message, e.g. {@code GetOrder NOT_FOUND 1.3 ms, 1 statement, trace 4bf9...:
 * order 7 not found}, is built when first asked for, by the thread that writes the log rather than
 * the call's.
 */
public final class AccessLogRecord extends LogRecord {

    static final String LOGGER = "orders.access";

    private final String fullMethodName;
    private final Status status;
    private final long nanos;
    private final int statements;
    private final String traceId;
    private String line;

    /** {@code traceId}: of the call's trace, or null when it has none. */
    public AccessLogRecord(String fullMethodName, Status status, long nanos, int statements, String traceId) {
        super(Level.INFO, null);
        setLoggerName(LOGGER);
        this.fullMethodName = fullMethodName;
        this.status = status;
        this.nanos = nanos;
        this.statements = statements;
        this.traceId = traceId;
    }

    /** e.g. orders.v1.OrderService/GetOrder */
    public String fullMethodName() {
        return fullMethodName;
    }

    /** The status code's name, e.g. NOT_FOUND. */
    public String statusCode() {
        return status.getCode().name();
    }

    /** Null for OK. */
    public String statusDescription() {
        return status.getDescription();
    }

    public long nanos() {
        return nanos;
    }

    public int statements() {
        return statements;
    }

    /** 32 hex digits, or null when the call has no trace. */
    public String traceId() {
        return traceId;
    }

    @Override
    public String getMessage() {
        if (line == null) {
            line = line();
        }
        return line;
    }

    /** Built by hand: it is written for every call. */
    private String line() {
        long tenthsOfMillis = (nanos + 50_000) / 100_000;
        StringBuilder line = new StringBuilder(128)
                .append(fullMethodName, fullMethodName.indexOf('/') + 1, fullMethodName.length())
                .append(' ').append(status.getCode().name()).append(' ')
                .append(tenthsOfMillis / 10).append('.').append(tenthsOfMillis % 10).append(" ms, ")
                .append(statements).append(statements == 1 ? " statement" : " statements");
        if (traceId != null) {
            line.append(", trace ").append(traceId);
        }
        if (!status.isOk()) {
            line.append(": ").append(status.getDescription());
        }
        return line.toString();
    }
}
