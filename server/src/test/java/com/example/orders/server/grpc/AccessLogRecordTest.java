package com.example.orders.server.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.logging.Level;

import io.grpc.Status;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The access log's line for a call. */
class AccessLogRecordTest {

    @Test
    void aSuccessfulCallIsItsMethodCodeDurationAndStatements() {
        assertEquals("GetOrder OK 0.4 ms, 1 statement", line("GetOrder", Status.OK, 400_000, 1));
        assertEquals("GetOrder OK 0.4 ms, 1 statement",
                     line("GetOrder", Status.OK.withDescription("ignored"), 400_000, 1),
                     "no description for a success");
    }

    @Test
    void aFailedCallEndsWithTheDescriptionItsClientGot() {
        assertEquals("GetOrder NOT_FOUND 1.3 ms, 1 statement: order 7 not found",
                     line("GetOrder", Status.NOT_FOUND.withDescription("order 7 not found"), 1_300_000, 1));
        assertEquals("CreateOrder UNAVAILABLE 3001.2 ms, 0 statements: database unavailable, retry later",
                     line("CreateOrder", Status.UNAVAILABLE.withDescription("database unavailable, retry later"),
                                          3_001_200_000L, 0));
    }

    @ParameterizedTest
    @CsvSource({
        "0, 0.0",
        "49999, 0.0",
        "50000, 0.1",
        "149999, 0.1",
        "150000, 0.2",
        "949999, 0.9",
        "950000, 1.0",
        "1000000, 1.0",
        "9999999, 10.0",
        "12345678901, 12345.7"})
    void theDurationIsInMillisecondsRoundedToATenth(long nanos, String millis) {
        assertEquals("ListOrders OK " + millis + " ms, 2 statements", line("ListOrders", Status.OK, nanos, 2));
    }

    @Test
    void aTracedCallNamesItsTraceBeforeTheDescription() {
        String trace = "4bf92f3577b34da6a3ce929d0e0e4736";
        assertEquals("GetOrder OK 0.4 ms, 1 statement, trace " + trace,
                     new AccessLogRecord("orders.v1.OrderService/GetOrder", Status.OK, 400_000, 1, trace).getMessage());
        assertEquals("GetOrder NOT_FOUND 1.3 ms, 1 statement, trace " + trace + ": order 7 not found",
                     new AccessLogRecord("orders.v1.OrderService/GetOrder", Status.NOT_FOUND.withDescription("order 7 not found"),
                                         1_300_000, 1, trace).getMessage());
    }

    @Test
    void itIsAnInfoRecordOfTheAccessLogger() {
        AccessLogRecord record = new AccessLogRecord("orders.v1.OrderService/GetOrder", Status.OK, 1, 1, null);
        assertEquals(Level.INFO, record.getLevel());
        assertEquals("orders.access", record.getLoggerName());
    }

    @ParameterizedTest
    @CsvSource({"0, 0 statements", "1, 1 statement", "2, 2 statements", "101, 101 statements"})
    void oneStatementIsSingularAndAnyOtherCountPlural(int statements, String counted) {
        assertEquals("GetOrders OK 2.0 ms, " + counted, line("GetOrders", Status.OK, 2_000_000, statements));
    }

    /** The message of an untraced call's record, the method given by its bare name. */
    private static String line(String method, Status status, long nanos, int statements) {
        return new AccessLogRecord("orders.v1.OrderService/" + method, status, nanos, statements, null).getMessage();
    }
}
