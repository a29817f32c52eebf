package com.example.orders.server.db;

import java.net.ConnectException;
import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import java.sql.SQLTransientConnectionException;
import java.util.Set;

/** What a database failure means for the call, read from the SQLSTATEs in its cause chain. */
public final class SqlStates {

    /**
     * Besides class 08 (connection exception): a database that cannot serve us right now. A call
     * that fails with one of them may or may not have committed (the connection was lost during the
     * commit), and its client learns which by retrying it: CreateOrder is idempotent by request_id.
     */
    private static final Set<String> UNAVAILABLE = Set.of(
            "25006", // read_only_sql_transaction: a standby, or a primary being demoted; nothing written
            "53300", // too_many_connections
            "57P01", // admin_shutdown
            "57P02", // crash_shutdown
            "57P03"); // cannot_connect_now
    private static final Set<String> RETRYABLE = Set.of(
            "40001", // serialization_failure
            "40P01"); // deadlock_detected
    private static final String QUERY_CANCELED = "57014";

    private SqlStates() {
    }

    /** The database cannot be reached or refuses work: retry later. */
    public static boolean isUnavailable(Throwable failure) {
        String state = sqlState(failure);
        return hasCause(failure, SQLTransientConnectionException.class)
               || hasCause(failure, ConnectException.class)
               || state != null && (state.startsWith("08") || UNAVAILABLE.contains(state));
    }

    /** The transaction lost a race (serialization failure, deadlock): running it again may succeed. */
    public static boolean isRetryable(Throwable failure) {
        String state = sqlState(failure);
        return state != null && RETRYABLE.contains(state);
    }

    /** The statement was stopped at the call's deadline. */
    public static boolean isDeadlineExceeded(Throwable failure) {
        return QUERY_CANCELED.equals(sqlState(failure)) || hasCause(failure, SQLTimeoutException.class);
    }

    /** The first SQLSTATE in the cause chain, or null. */
    public static String sqlState(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && sql.getSQLState() != null) {
                return sql.getSQLState();
            }
        }
        return null;
    }

    static boolean hasCause(Throwable failure, Class<? extends Throwable> type) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }
}
