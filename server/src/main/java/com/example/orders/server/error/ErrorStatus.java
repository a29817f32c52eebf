package com.example.orders.server.error;

import java.lang.System.Logger.Level;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeoutException;

import com.example.orders.server.db.SqlStates;

import io.grpc.Context;
import io.grpc.Status;

/**
 * The one place where failures become gRPC statuses.
 *
 * <p>A call whose io.grpc.Context was cancelled ends with what cancelled it: DEADLINE_EXCEEDED or
 * CANCELLED. Domain errors keep their message. Database faults become UNAVAILABLE (retry later), ABORTED
 * (retry now) or DEADLINE_EXCEEDED with a generic message. Anything else is a bug: it is logged with
 * its stack trace under a short reference, and the client gets INTERNAL with only that reference.
 */
public final class ErrorStatus {

    private static final System.Logger LOG = System.getLogger(ErrorStatus.class.getName());

    private ErrorStatus() {
    }

    public static Status of(String method, Throwable failure) {
        Context call = Context.current();
        if (call.isCancelled()) {
            // Whatever failed then (a cancelled statement, a write to a reset stream) failed because of it.
            return ofCancelled(call);
        }
        if (failure instanceof ServiceException e) {
            return Status.fromCode(e.code()).withDescription(e.getMessage());
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

    /** Why a call's context was cancelled: its deadline passed, or its client cancelled it. */
    public static Status ofCancelled(Context call) {
        return call.cancellationCause() instanceof TimeoutException
                ? Status.DEADLINE_EXCEEDED.withDescription("the call's deadline passed")
                : Status.CANCELLED.withDescription("the client cancelled the call");
    }

    private static String rootMessage(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + ": " + root.getMessage();
    }
}
