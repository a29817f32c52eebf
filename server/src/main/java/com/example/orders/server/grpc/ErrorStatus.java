package com.example.orders.server.grpc;

import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeoutException;

import com.example.orders.server.db.SqlStates;
import com.example.orders.server.error.AlreadyExistsException;
import com.example.orders.server.error.FailedPreconditionException;
import com.example.orders.server.error.InvalidArgumentException;
import com.example.orders.server.error.NotFoundException;
import com.example.orders.server.error.OutOfRangeException;
import com.example.orders.server.error.ResourceExhaustedException;
import com.example.orders.server.error.ServiceException;

import io.grpc.Context;
import io.grpc.Status;
import io.helidon.http.http2.Http2ErrorCode;
import io.helidon.http.http2.Http2Exception;
import io.helidon.webserver.ServerConnectionException;

/**
 * The one table from failures to gRPC statuses.
 *
 * <p>Domain errors keep their message under their kind's code. A response that could not be written
 * (the client stopped taking it, or its connection is gone) is CANCELLED. Database faults become
 * UNAVAILABLE (retry later), ABORTED (retry now) or DEADLINE_EXCEEDED with a generic message. Anything
 * else is a bug: it is logged with its stack trace under a short reference, and the client gets
 * INTERNAL with only that reference.
 */
final class ErrorStatus {

    private static final System.Logger LOG = System.getLogger(ErrorStatus.class.getName());

    private ErrorStatus() {
    }

    /** The status of a call of {@code method} that failed with {@code failure}. */
    static Status of(String method, Throwable failure) {
        if (failure instanceof ServiceException e) {
            return Status.fromCode(code(e)).withDescription(e.getMessage());
        }
        Status unwritten = writeFailure(failure);
        if (unwritten != null) {
            LOG.log(Level.INFO, "{0}: {1} ({2})", method, unwritten.getDescription(), failure.getMessage());
            return unwritten;
        }
        if (SqlStates.isUnavailable(failure)) {
            LOG.log(Level.WARNING, "{0}: database unavailable: {1}", method, rootMessage(failure));
            return Status.UNAVAILABLE.withDescription("database unavailable, retry later");
        }
        if (SqlStates.isDeadlineExceeded(failure)) {
            LOG.log(Level.WARNING, "{0}: stopped at the deadline the client set", method);
            return Status.DEADLINE_EXCEEDED.withDescription("deadline exceeded while waiting for the database");
        }
        if (SqlStates.isRetryable(failure)) {
            LOG.log(Level.WARNING, "{0}: transaction aborted by the database ({1}) after retries",
                    method, SqlStates.sqlState(failure));
            return Status.ABORTED.withDescription("transaction aborted by concurrent updates, retry");
        }
        String reference = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
        LOG.log(Level.ERROR, method + ": internal error, reference " + reference, failure);
        return Status.INTERNAL.withDescription("internal error, reference " + reference);
    }

    /** Each kind of domain error's code. */
    static Status.Code code(ServiceException failure) {
        return switch (failure) {
            case InvalidArgumentException invalid -> Status.Code.INVALID_ARGUMENT;
            case NotFoundException notFound -> Status.Code.NOT_FOUND;
            case AlreadyExistsException exists -> Status.Code.ALREADY_EXISTS;
            case FailedPreconditionException precondition -> Status.Code.FAILED_PRECONDITION;
            case ResourceExhaustedException exhausted -> Status.Code.RESOURCE_EXHAUSTED;
            case OutOfRangeException outOfRange -> Status.Code.OUT_OF_RANGE;
        };
    }

    /** Why a call's context was cancelled: its deadline passed, or its client cancelled it. */
    static Status ofCancelled(Context call) {
        return call.cancellationCause() instanceof TimeoutException
                ? Status.DEADLINE_EXCEEDED.withDescription("the call's deadline passed")
                : Status.CANCELLED.withDescription("the client cancelled the call");
    }

    /** The status for a response that could not be written, or null if the failure is not that. */
    private static Status writeFailure(Throwable failure) {
        if (failure instanceof Http2Exception http2 && http2.code() == Http2ErrorCode.FLOW_CONTROL) {
            return Status.CANCELLED.withDescription("response stopped: the client took no message for too long "
                    + "(server.protocols.http_2.flow-control-timeout)");
        }
        if (failure instanceof ServerConnectionException || failure instanceof UncheckedIOException) {
            return Status.CANCELLED.withDescription("response stopped: the client's connection is gone");
        }
        return null;
    }

    private static String rootMessage(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + ": " + root.getMessage();
    }
}
