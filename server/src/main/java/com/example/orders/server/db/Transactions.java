package com.example.orders.server.db;

import java.util.function.Function;

import io.helidon.dbclient.DbClient;
import io.helidon.dbclient.DbTransaction;

/**
 * The one place where transactions begin, commit and roll back: those of the writes, and that of
 * the export, which needs one to read through a cursor.
 */
final class Transactions {

    private Transactions() {
    }

    /**
     * Runs {@code work} in a new transaction: commits if it returns, rolls back if it throws.
     *
     * <p>The rollback must be explicit: after a failed statement a DbClient transaction stays open,
     * and a commit would then return normally having persisted nothing.
     */
    static <T> T inTransaction(DbClient db, Function<DbTransaction, T> work) {
        DbTransaction tx = db.transaction();
        T result;
        try {
            result = work.apply(tx);
        } catch (RuntimeException | Error failure) {
            try {
                tx.rollback();
            } catch (RuntimeException rollbackFailure) {
                failure.addSuppressed(rollbackFailure);
            }
            throw failure;
        }
        tx.commit();
        return result;
    }
}
