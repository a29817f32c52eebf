package com.example.orders.server.app;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.logging.Formatter;
import java.util.logging.LogRecord;

import com.example.orders.server.grpc.AccessLogRecord;

/**
 * One JSON object a line (LOG_FORMAT=json), for log collectors that read fields rather than text:
 * {@code time} (UTC, to the millisecond), {@code level}, {@code logger}, {@code message}, and
 * {@code stack_trace} when there is one. An access-log line adds {@code method} (the full gRPC
 * method name, as the metrics' grpc_method label), {@code status} (the code's name),
 * {@code duration_ms}, {@code statements}, and {@code trace_id} when the call is traced.
 */
public final class JsonLogFormatter extends Formatter {

    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSX").withZone(ZoneOffset.UTC);

    @Override
    public String format(LogRecord record) {
        StringBuilder line = new StringBuilder(256).append("{\"time\":\"");
        TIME.formatTo(record.getInstant(), line);
        line.append('"');
        field(line, "level", record.getLevel().getName());
        field(line, "logger", record.getLoggerName());
        field(line, "message", formatMessage(record));
        if (record instanceof AccessLogRecord access) {
            field(line, "method", access.fullMethodName());
            field(line, "status", access.statusCode());
            long hundredthsOfMillis = (access.nanos() + 5_000) / 10_000;
            line.append(",\"duration_ms\":").append(hundredthsOfMillis / 100).append('.')
                    .append(hundredthsOfMillis % 100 / 10).append(hundredthsOfMillis % 10);
            line.append(",\"statements\":").append(access.statements());
            if (access.traceId() != null) {
                field(line, "trace_id", access.traceId());
            }
        }
        if (record.getThrown() != null) {
            StringWriter trace = new StringWriter();
            record.getThrown().printStackTrace(new PrintWriter(trace));
            field(line, "stack_trace", trace.toString());
        }
        return line.append('}').append(System.lineSeparator()).toString();
    }

    private static void field(StringBuilder line, String name, String value) {
        line.append(",\"").append(name).append("\":");
        if (value == null) {
            line.append("null");
            return;
        }
        line.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> line.append("\\\"");
                case '\\' -> line.append("\\\\");
                case '\n' -> line.append("\\n");
                case '\r' -> line.append("\\r");
                case '\t' -> line.append("\\t");
                default -> {
                    if (c < 0x20) {
                        line.append(String.format("\\u%04x", (int) c));
                    } else {
                        line.append(c);
                    }
                }
            }
        }
        line.append('"');
    }
}
