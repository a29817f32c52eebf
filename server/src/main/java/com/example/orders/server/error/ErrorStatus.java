package com.example.orders.server.error;

import java.lang.System.Logger.Level;
import java.net.ConnectException;
import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import java.sql.SQLTransientConnectionException;
import java.util.HexFormat;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

import io.grpc.Status;

/**
 * The one place where failures become gRPC statuses.
 *
 * <p>Domain errors keep their message. Database faults become UNAVAILABLE (retry later) or ABORTED
 * (retry now) with a generic message. Anything else is a bug: it is logged with its stack trace under
 * a short reference, and the client gets INTERNAL with only that reference.
 */
public final class ErrorStatus {

    private static final System.Logger LOG = System.getLogger(ErrorStatus.class.getName());

    /** SQLSTATEs of a database that cannot serve us right now (class 08 is matched by prefix). */
    private static final Set<String> UNAVAILABLE_STATES = Set.of(
            "53300", // too_many_connections
            "57P01", // admin_shutdown
            "57P02", // crash_shutdown
            "57P03"); // cannot_connect_now
    private static final Set<String> RETRYABLE_STATES = Set.of(
            "40001", // serialization_failure
            "40P01"); // deadlock_detected
    private static final String QUERY_CANCELED = "57014"; // the statement outlived the call's deadline

    private ErrorStatus() {
    }

    public static Status of(String method, Throwable failure) {
        if (failure instanceof ServiceException e) {
            return Status.fromCode(e.code()).withDescription(e.getMessage());
        }
        if (isDatabaseUnavailable(failure)) {
            LOG.log(Level.WARNING, "{0}: database unavailable: {1}", method, rootMessage(failure));
            return Status.UNAVAILABLE.withDescription("database unavailable, retry later");
        }
        String sqlState = sqlState(failure);
        if (QUERY_CANCELED.equals(sqlState) || hasCause(failure, SQLTimeoutException.class)) {
            LOG.log(Level.WARNING, "{0}: stopped at the deadline the client set", method);
            return Status.DEADLINE_EXCEEDED.withDescription("deadline exceeded while waiting for the database");
        }
        if (sqlState != null && RETRYABLE_STATES.contains(sqlState)) {
            LOG.log(Level.WARNING, "{0}: transaction aborted by the database ({1})", method, sqlState);
            return Status.ABORTED.withDescription("transaction aborted by a concurrent update, retry");
        }
        String reference = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
        LOG.log(Level.ERROR, method + ": internal error, reference " + reference, failure);
        return Status.INTERNAL.withDescription("internal error, reference " + reference);
    }

    static boolean isDatabaseUnavailable(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SQLTransientConnectionException || t instanceof ConnectException) {
                return true;
            }
            if (t instanceof SQLException sql && sql.getSQLState() != null) {
                String state = sql.getSQLState();
                if (state.startsWith("08") || UNAVAILABLE_STATES.contains(state)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean hasCause(Throwable failure, Class<? extends Throwable> type) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    private static String sqlState(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && sql.getSQLState() != null) {
                return sql.getSQLState();
            }
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
