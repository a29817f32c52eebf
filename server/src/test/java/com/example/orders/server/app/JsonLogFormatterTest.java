package com.example.orders.server.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.logging.Level;
import java.util.logging.LogRecord;

import com.example.orders.server.grpc.AccessLogRecord;

import io.grpc.Status;
import org.junit.jupiter.api.Test;

class JsonLogFormatterTest {

    private final JsonLogFormatter formatter = new JsonLogFormatter();

    @Test
    void writesTimeLevelLoggerAndMessageAsOneObjectOnOneLine() {
        LogRecord record = new LogRecord(Level.WARNING, "Transaction aborted ({0}) in attempt {1}");
        record.setLoggerName("com.example.orders.server.db.Transactions");
        record.setParameters(new Object[] {"40001", 2});
        record.setInstant(Instant.parse("2026-12-07T06:55:13.134567Z"));

        assertEquals("{\"time\":\"2026-12-07T06:55:13.134Z\",\"level\":\"WARNING\","
                     + "\"logger\":\"com.example.orders.server.db.Transactions\","
                     + "\"message\":\"Transaction aborted (40001) in attempt 2\"}" + System.lineSeparator(),
                     formatter.format(record));
    }

    @Test
    void anAccessLineHasTheCallsFieldsAndItsTraceId() {
        AccessLogRecord record = new AccessLogRecord("orders.v1.OrderService/GetOrder",
                Status.NOT_FOUND.withDescription("order 7 not found"), 1_234_567, 1,
                "4bf92f3577b34da6a3ce929d0e0e4736");
        record.setInstant(Instant.parse("2026-12-07T06:55:13.100Z"));

        assertEquals("{\"time\":\"2026-12-07T06:55:13.100Z\",\"level\":\"INFO\",\"logger\":\"orders.access\","
                     + "\"message\":\"GetOrder NOT_FOUND 1.2 ms, 1 statement, trace 4bf92f3577b34da6a3ce929d0e0e4736: "
                     + "order 7 not found\",\"method\":\"orders.v1.OrderService/GetOrder\",\"status\":\"NOT_FOUND\","
                     + "\"duration_ms\":1.23,\"statements\":1,\"trace_id\":\"4bf92f3577b34da6a3ce929d0e0e4736\"}"
                     + System.lineSeparator(),
                     formatter.format(record));
    }

    @Test
    void anUntracedAccessLineHasNoTraceId() {
        AccessLogRecord record = new AccessLogRecord("orders.v1.OrderService/CreateOrder", Status.OK, 40_000_000, 4, null);

        String line = formatter.format(record);

        assertTrue(line.contains("\"message\":\"CreateOrder OK 40.0 ms, 4 statements\",\"method\":"
                                 + "\"orders.v1.OrderService/CreateOrder\",\"status\":\"OK\",\"duration_ms\":40.00,"
                                 + "\"statements\":4}"), line);
    }

    @Test
    void escapesWhatJsonMustAndKeepsTheStackTraceInOneField() {
        LogRecord record = new LogRecord(Level.SEVERE, "a \"quoted\" back\\slash,\ttab and a\nnew line \u0001");
        record.setLoggerName("test");
        record.setThrown(new IllegalStateException("boom"));

        String line = formatter.format(record);

        assertEquals(1, line.lines().count(), line);
        assertTrue(line.contains("\"message\":\"a \\\"quoted\\\" back\\\\slash,\\ttab and a\\nnew line \\u0001\""), line);
        assertTrue(line.contains(",\"stack_trace\":\"java.lang.IllegalStateException: boom\\n\\tat com.example."), line);
    }
}
