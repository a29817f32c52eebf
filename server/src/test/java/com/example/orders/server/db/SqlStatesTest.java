package com.example.orders.server.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ConnectException;
import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import java.sql.SQLTransientConnectionException;

import io.helidon.dbclient.DbClientException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.postgresql.util.PSQLException;
import org.postgresql.util.PSQLState;

/** What a failure means, read from its cause chain as DbClient, HikariCP and the driver build it. */
class SqlStatesTest {

    @Test
    void theSqlStateIsTheFirstOneInTheCauseChain() {
        SQLException deadlock = new SQLException("deadlock detected", "40P01");
        SQLException batch = new SQLException("batch entry 0 failed", "40001", deadlock);

        assertEquals("40P01", SqlStates.sqlState(deadlock));
        assertEquals("40001", SqlStates.sqlState(new DbClientException("Failed to execute statement", batch)));
        assertEquals("40P01", SqlStates.sqlState(new DbClientException("Failed to execute statement",
                new RuntimeException(new SQLException("no state of its own", (String) null, deadlock)))),
                     "an SQLException without a state is looked through");
    }

    @Test
    void noSqlStateAnywhereIsNull() {
        assertNull(SqlStates.sqlState(null));
        assertNull(SqlStates.sqlState(new IllegalStateException("not from the database")));
        assertNull(SqlStates.sqlState(new DbClientException("closed", new SQLException("no state"))));
    }

    @ParameterizedTest
    @ValueSource(strings = {"08000", "08001", "08003", "08004", "08006", "08007", "08P01", "25006", "53300", "57P01",
                            "57P02", "57P03"})
    void theseStatesMeanTheDatabaseCannotServeNow(String state) {
        assertTrue(SqlStates.isUnavailable(wrapped(new SQLException("down", state))), state);
        assertFalse(SqlStates.isRetryable(wrapped(new SQLException("down", state))), state);
        assertFalse(SqlStates.isDeadlineExceeded(wrapped(new SQLException("down", state))), state);
    }

    @ParameterizedTest
    @ValueSource(strings = {"40001", "40P01"})
    void aLostRaceIsRetryableAndNothingElse(String state) {
        assertTrue(SqlStates.isRetryable(wrapped(new SQLException("race", state))), state);
        assertFalse(SqlStates.isUnavailable(wrapped(new SQLException("race", state))), state);
        assertFalse(SqlStates.isDeadlineExceeded(wrapped(new SQLException("race", state))), state);
    }

    @Test
    void aCanceledQueryIsTheDeadlineAndNothingElse() {
        Throwable canceled = wrapped(new PSQLException("ERROR: canceling statement due to user request",
                                                       PSQLState.QUERY_CANCELED));

        assertEquals("57014", SqlStates.sqlState(canceled));
        assertTrue(SqlStates.isDeadlineExceeded(canceled));
        assertFalse(SqlStates.isUnavailable(canceled));
        assertFalse(SqlStates.isRetryable(canceled));
    }

    @Test
    void aTimeoutExceptionIsTheDeadlineWhateverItsState() {
        assertTrue(SqlStates.isDeadlineExceeded(wrapped(new SQLTimeoutException("timed out"))));
        assertTrue(SqlStates.isDeadlineExceeded(wrapped(new SQLTimeoutException("timed out", "HYT00"))));
    }

    @ParameterizedTest
    @ValueSource(strings = {"23505", "23503", "42P01", "42601", "40000", "4000", "53200", "57000", "57P04", "57014",
                            "09000", "25001", "", "0"})
    void otherStatesAreNotUnavailable(String state) {
        assertFalse(SqlStates.isUnavailable(wrapped(new SQLException("other", state))), state);
    }

    @ParameterizedTest
    @ValueSource(strings = {"40000", "40002", "40003", "40P02", "23505", "57014", "08006"})
    void otherStatesAreNotRetryable(String state) {
        assertFalse(SqlStates.isRetryable(wrapped(new SQLException("other", state))), state);
    }

    @Test
    void aRefusedConnectionAnywhereInTheChainIsUnavailableWithoutAState() {
        Throwable refused = wrapped(new SQLException("Connection to 127.0.0.1:5432 refused", (String) null,
                                                     new ConnectException("Connection refused")));

        assertNull(SqlStates.sqlState(refused));
        assertTrue(SqlStates.isUnavailable(refused));
        assertTrue(SqlStates.isUnavailable(new ConnectException("Connection refused")));
        assertFalse(SqlStates.isUnavailable(new IOException("Connection reset")), "not every I/O failure");
    }

    @Test
    void aPoolThatGaveNoConnectionInTimeIsUnavailable() {
        SQLTransientConnectionException poolTimeout =
                new SQLTransientConnectionException("orders - Connection is not available, request timed out after 3000ms.");

        assertTrue(SqlStates.isUnavailable(wrapped(poolTimeout)));
        assertFalse(SqlStates.isDeadlineExceeded(wrapped(poolTimeout)));
    }

    @Test
    void nothingIsReadIntoNull() {
        assertFalse(SqlStates.isUnavailable(null));
        assertFalse(SqlStates.isRetryable(null));
        assertFalse(SqlStates.isDeadlineExceeded(null));
    }

    @Test
    void aFailureWithoutADatabaseCauseIsNoneOfThem() {
        Throwable bug = new DbClientException("mapping failed", new IllegalStateException("no such column"));

        assertFalse(SqlStates.isUnavailable(bug));
        assertFalse(SqlStates.isRetryable(bug));
        assertFalse(SqlStates.isDeadlineExceeded(bug));
    }

    /** As DbClient throws what the driver threw: an SQLException inside its own exception. */
    private static DbClientException wrapped(SQLException failure) {
        return new DbClientException("Failed to execute statement", failure);
    }
}
