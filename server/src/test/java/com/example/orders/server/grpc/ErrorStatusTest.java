package com.example.orders.server.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import java.sql.SQLTransientConnectionException;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.SimpleFormatter;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.example.orders.server.LogRecords;

import com.example.orders.server.error.AlreadyExistsException;
import com.example.orders.server.error.FailedPreconditionException;
import com.example.orders.server.error.InvalidArgumentException;
import com.example.orders.server.error.NotFoundException;
import com.example.orders.server.error.OutOfRangeException;
import com.example.orders.server.error.ResourceExhaustedException;
import com.example.orders.server.error.ServiceException;

import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.Status;
import io.helidon.dbclient.DbClientException;
import io.helidon.http.http2.Http2ErrorCode;
import io.helidon.http.http2.Http2Exception;
import io.helidon.webserver.ServerConnectionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The table from failures to statuses, and what it logs. */
class ErrorStatusTest {

    private static final Pattern INTERNAL = Pattern.compile("internal error, reference ([0-9a-f]{8})");

    private LogRecords log;


    @BeforeEach
    void recordTheLog() {
        log = new LogRecords(ErrorStatus.class.getName());
    }

    @AfterEach
    void stopRecording() {
        log.close();
    }

    static Stream<Arguments> domainErrors() {
        return Stream.of(
                Arguments.of(new InvalidArgumentException("order_id must be a positive id, got 0"), Status.Code.INVALID_ARGUMENT),
                Arguments.of(new NotFoundException("order 7 not found"), Status.Code.NOT_FOUND),
                Arguments.of(new AlreadyExistsException("a customer with email ada@example.com exists"),
                             Status.Code.ALREADY_EXISTS),
                Arguments.of(new FailedPreconditionException("order 7 is SHIPPED and cannot become PAID"),
                             Status.Code.FAILED_PRECONDITION),
                Arguments.of(new ResourceExhaustedException("request of 300000 bytes, more than 262144"),
                             Status.Code.RESOURCE_EXHAUSTED),
                Arguments.of(new OutOfRangeException("after_event_id 9 was never given"), Status.Code.OUT_OF_RANGE));
    }

    @ParameterizedTest
    @MethodSource("domainErrors")
    void aDomainErrorKeepsItsMessageUnderItsKindsCode(ServiceException failure, Status.Code code) {
        Status status = ErrorStatus.of("GetOrder", failure);

        assertEquals(code, status.getCode());
        assertEquals(failure.getMessage(), status.getDescription());
        assertEquals(code, ErrorStatus.code(failure));
        assertEquals(List.of(), log.of(ErrorStatus.class.getName()), "the client's mistake, not the operator's");
    }

    @ParameterizedTest
    @ValueSource(strings = {"08000", "08001", "08003", "08004", "08006", "08P01", "25006", "53300", "57P01", "57P02",
                            "57P03"})
    void aDatabaseThatCannotServeNowIsUnavailable(String sqlState) {
        Status status = ErrorStatus.of("CreateOrder", fromDbClient(new SQLException("the database's words", sqlState)));

        assertEquals(Status.Code.UNAVAILABLE, status.getCode());
        assertEquals("database unavailable, retry later", status.getDescription());
        assertEquals(Level.WARNING, onlyRecord().getLevel());
        assertEquals("CreateOrder: database unavailable: SQLException: the database's words", message(onlyRecord()));
    }

    @Test
    void aRefusedConnectionOrAPoolThatGaveNoneIsUnavailable() {
        Status refused = ErrorStatus.of("GetOrder",
                fromDbClient(new SQLException("Connection to 127.0.0.1:5432 refused", null,
                                              new ConnectException("Connection refused"))));
        Status noConnection = ErrorStatus.of("GetOrder", fromDbClient(new SQLTransientConnectionException(
                "orders - Connection is not available, request timed out after 3000ms.")));

        assertStatus(Status.Code.UNAVAILABLE, "database unavailable, retry later", refused);
        assertStatus(Status.Code.UNAVAILABLE, "database unavailable, retry later", noConnection);
    }

    @ParameterizedTest
    @ValueSource(strings = {"40001", "40P01"})
    void aTransactionThatLostARaceIsAbortedForTheClientToRetry(String sqlState) {
        Status status = ErrorStatus.of("CreateOrder", fromDbClient(new SQLException("could not serialize", sqlState)));

        assertEquals(Status.Code.ABORTED, status.getCode());
        assertEquals("transaction aborted by concurrent updates, retry", status.getDescription());
        assertEquals("CreateOrder: transaction aborted by the database (" + sqlState + ") after retries",
                     message(onlyRecord()));
    }

    @Test
    void aStatementStoppedAtTheDeadlineIsDeadlineExceeded() {
        Status canceled = ErrorStatus.of("UpdateOrderStatus",
                fromDbClient(new SQLException("canceling statement due to user request", "57014")));
        Status timedOut = ErrorStatus.of("UpdateOrderStatus", fromDbClient(new SQLTimeoutException("timed out")));

        assertStatus(Status.Code.DEADLINE_EXCEEDED, "deadline exceeded while waiting for the database", canceled);
        assertStatus(Status.Code.DEADLINE_EXCEEDED, "deadline exceeded while waiting for the database", timedOut);
    }

    @Test
    void aResponseTheClientStoppedTakingIsCancelled() {
        Status status = ErrorStatus.of("ExportOrders", new Http2Exception(Http2ErrorCode.FLOW_CONTROL, "window full"));

        assertStatus(Status.Code.CANCELLED, "response stopped: the client took no message for too long "
                     + "(server.protocols.http_2.flow-control-timeout)", status);
        assertEquals(Level.INFO, onlyRecord().getLevel());
        assertEquals("ExportOrders: " + status.getDescription() + " (window full)", message(onlyRecord()));
    }

    @Test
    void aResponseWhoseConnectionIsGoneIsCancelled() {
        Status closed = ErrorStatus.of("ExportOrders",
                new ServerConnectionException("Failed to write", new IOException("Broken pipe")));
        Status reset = ErrorStatus.of("ExportOrders", new UncheckedIOException(new IOException("Connection reset")));

        assertStatus(Status.Code.CANCELLED, "response stopped: the client's connection is gone", closed);
        assertStatus(Status.Code.CANCELLED, "response stopped: the client's connection is gone", reset);
    }

    static Stream<Throwable> bugs() {
        return Stream.of(
                new IllegalStateException("row 7 of orders has status BOGUS"),
                new NullPointerException(),
                new Http2Exception(Http2ErrorCode.PROTOCOL, "a frame on stream 3 out of order"),
                fromDbClient(new SQLException("relation \"orders\" does not exist", "42P01")),
                fromDbClient(new SQLException("duplicate key value violates unique constraint", "23505")),
                fromDbClient(new SQLException("database \"orders\" does not exist", "57P04")),
                fromDbClient(new SQLException("out of memory", "53200")),
                new DbClientException("statement failed"));
    }

    @ParameterizedTest
    @MethodSource("bugs")
    void anythingElseIsInternalWithOnlyAReferenceWhichTheLogHoldsWithTheStackTrace(Throwable failure) {
        Status status = ErrorStatus.of("GetOrder", failure);

        assertEquals(Status.Code.INTERNAL, status.getCode());
        Matcher reference = INTERNAL.matcher(status.getDescription());
        assertTrue(reference.matches(), status.getDescription());
        assertNull(status.getCause(), "nothing of the failure goes to the client");
        LogRecord record = onlyRecord();
        assertEquals(Level.SEVERE, record.getLevel());
        assertEquals("GetOrder: internal error, reference " + reference.group(1), message(record));
        assertSame(failure, record.getThrown());
    }

    @Test
    void eachInternalErrorHasAReferenceOfItsOwn() {
        String first = ErrorStatus.of("GetOrder", new IllegalStateException()).getDescription();
        String second = ErrorStatus.of("GetOrder", new IllegalStateException()).getDescription();

        assertNotEquals(first, second);
    }

    @Test
    void aCallWhoseDeadlinePassedIsDeadlineExceeded() throws InterruptedException {
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        try (Context.CancellableContext call = Context.ROOT.withDeadline(Deadline.after(5, TimeUnit.MILLISECONDS),
                                                                         timer)) {
            CountDownLatch cancelled = new CountDownLatch(1);
            call.addListener(context -> cancelled.countDown(), Runnable::run);
            assertTrue(cancelled.await(5, TimeUnit.SECONDS), "the deadline passes");

            assertStatus(Status.Code.DEADLINE_EXCEEDED, "the call's deadline passed", ErrorStatus.ofCancelled(call));
        } finally {
            timer.shutdownNow();
        }
    }

    @Test
    void aCallItsClientCancelledIsCancelled() {
        Context.CancellableContext withCause = Context.ROOT.withCancellation();
        withCause.cancel(Status.CANCELLED.withDescription("RST_STREAM").asRuntimeException());
        Context.CancellableContext withoutCause = Context.ROOT.withCancellation();
        withoutCause.cancel(null);

        assertStatus(Status.Code.CANCELLED, "the client cancelled the call", ErrorStatus.ofCancelled(withCause));
        assertStatus(Status.Code.CANCELLED, "the client cancelled the call", ErrorStatus.ofCancelled(withoutCause));
    }

    /** As DbClient reports what the driver threw. */
    private static DbClientException fromDbClient(SQLException failure) {
        return new DbClientException("Failed to execute statement", failure);
    }

    private static void assertStatus(Status.Code code, String description, Status status) {
        assertEquals(code, status.getCode(), status.toString());
        assertEquals(description, status.getDescription());
    }

    private LogRecord onlyRecord() {
        List<LogRecord> logged = log.of(ErrorStatus.class.getName());
        assertEquals(1, logged.size(), logged.toString());
        return logged.getFirst();
    }

    private static String message(LogRecord record) {
        return new SimpleFormatter().formatMessage(record);
    }
}
