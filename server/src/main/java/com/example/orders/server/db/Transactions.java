package com.example.orders.server.db;

import java.lang.System.Logger.Level;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import io.helidon.dbclient.DbClient;
import io.helidon.dbclient.DbTransaction;

/**
 * The one place where transactions begin, commit, roll back and are retried: those of the writes
 * (through {@link Writes}), of the event sequencer and relay, and of the export, which needs one to
 * read through a cursor.
 */
final class Transactions {

    private static final System.Logger LOG = System.getLogger(Transactions.class.getName());
    private static final int MAX_ATTEMPTS = 4;
    private static final long BASE_BACKOFF_MILLIS = 5;

    private Transactions() {
    }

    /**
     * Runs {@code work} in a new transaction: commits if it returns, rolls back if it throws. When the
     * database aborts it for a serialization failure or a deadlock, it runs again in a fresh
     * transaction, up to {@link #MAX_ATTEMPTS} times, after a random pause that grows each time.
     */
    static <T> T inTransaction(DbClient db, Function<DbTransaction, T> work) {
        for (int attempt = 1; ; attempt++) {
            try {
                return once(db, work);
            } catch (RuntimeException failure) {
                long pause = backoffMillis(attempt);
                if (attempt == MAX_ATTEMPTS || !SqlStates.isRetryable(failure) || callEndsWithin(pause)) {
                    throw failure;
                }
                LOG.log(Level.INFO, "Transaction aborted ({0}) in attempt {1}, retrying in {2} ms",
                        SqlStates.sqlState(failure), attempt, pause);
                sleep(pause);
            }
        }
    }

    /**
     * Runs {@code work} in a new transaction, without retry: for work that has effects outside the
     * database (the relay's, which publishes to the broker) or that runs again anyway (the sequencer's).
     *
     * <p>The rollback must be explicit: after a failed statement a DbClient transaction stays open, and
     * a commit would then return normally having persisted nothing.
     */
    static <T> T once(DbClient db, Function<DbTransaction, T> work) {
        DbTransaction tx = db.transaction();
        T result = rolledBackIfItThrows(tx, work);
        tx.commit();
        return result;
    }

    /**
     * Runs a read in a new transaction, as {@link #once}, except that a commit that fails once the
     * read has returned leaves its result standing: a read-only transaction's commit changes nothing,
     * and what the read sent its client (an export's orders, all of them) was read from one snapshot.
     * A database that went away just then fails only the calls that come after.
     */
    static <T> T readOnly(DbClient db, Function<DbTransaction, T> read) {
        DbTransaction tx = db.transaction();
        T result = rolledBackIfItThrows(tx, read);
        try {
            tx.commit();
        } catch (RuntimeException failure) {
            LOG.log(Level.INFO, "A read''s commit failed after the read had finished ({0}); its result stands",
                    SqlStates.sqlState(failure));
        }
        return result;
    }

    private static <T> T rolledBackIfItThrows(DbTransaction tx, Function<DbTransaction, T> work) {
        try {
            return work.apply(tx);
        } catch (RuntimeException | Error failure) {
            try {
                tx.rollback();
            } catch (RuntimeException rollbackFailure) {
                failure.addSuppressed(rollbackFailure);
            }
            throw failure;
        }
    }

    /** Full jitter: uniformly up to 10, 20, 40 ms, so that the transactions that collided spread out. */
    private static long backoffMillis(int attempt) {
        return ThreadLocalRandom.current().nextLong(BASE_BACKOFF_MILLIS << attempt) + 1;
    }

    /** The call was cancelled, or its deadline comes before another attempt could start. */
    private static boolean callEndsWithin(long pauseMillis) {
        CallScope.Cancellation call = CallScope.current().cancellation();
        return call.isCancelled() || call.nanosLeft() <= TimeUnit.MILLISECONDS.toNanos(pauseMillis);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting to retry a transaction", e);
        }
    }
}
