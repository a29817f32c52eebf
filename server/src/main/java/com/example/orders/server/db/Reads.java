package com.example.orders.server.db;

import java.lang.System.Logger.Level;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

import com.example.orders.server.error.SqlStates;

import io.grpc.Context;
import io.helidon.dbclient.DbClient;
import io.helidon.dbclient.DbExecute;
import io.helidon.dbclient.DbTransaction;

/**
 * Where the reads that may see a standby's slightly older data run: on the standby when
 * {@code db.replica-url} names one, else on the primary. Writes, and the reads inside a write's
 * transaction, never come here.
 *
 * <p>A read the standby cannot serve (unreachable, shutting down, or its query cancelled for a
 * conflict with the replay of the primary's changes) runs again on the primary within the same call:
 * a read has no effect, so running it twice is safe, and the client never sees the standby's failure.
 * While the standby is known to be down (its circuit is open) reads go to the primary straight away.
 */
public final class Reads {

    private static final System.Logger LOG = System.getLogger(Reads.class.getName());

    private final DbClient primary;
    /** Null when no standby is configured. */
    private final DbClient standby;
    private final DatabaseCircuit standbyCircuit;

    private Reads(DbClient primary, DbClient standby, DatabaseCircuit standbyCircuit) {
        this.primary = primary;
        this.standby = standby;
        this.standbyCircuit = standbyCircuit;
    }

    /** Every read on the primary: no standby configured. */
    public static Reads onPrimary(DbClient primary) {
        return new Reads(primary, null, null);
    }

    /** Reads on the standby, on the primary while the standby's circuit is open or when it fails a read. */
    public static Reads onStandby(DbClient primary, DbClient standby, DatabaseCircuit standbyCircuit) {
        return new Reads(primary, standby, standbyCircuit);
    }

    /** Statements outside a transaction, each on a pooled connection of its own. */
    <T> T execute(Function<DbExecute, T> read) {
        if (!standbyUsable()) {
            return read.apply(primary.execute());
        }
        try {
            return read.apply(standby.execute());
        } catch (RuntimeException failure) {
            throwUnlessStandbyFailed(failure);
            return read.apply(primary.execute());
        }
    }

    /**
     * A read in a transaction of its own (an export, which reads through a cursor only inside one).
     * It runs again on the primary only while {@code nothingSent} is true: once part of its result
     * has left the server, starting over would send it twice.
     */
    <T> T inTransaction(Function<DbTransaction, T> read, BooleanSupplier nothingSent) {
        if (!standbyUsable()) {
            return Transactions.readOnly(primary, read);
        }
        try {
            return Transactions.readOnly(standby, read);
        } catch (RuntimeException failure) {
            if (!nothingSent.getAsBoolean()) {
                throw failure;
            }
            throwUnlessStandbyFailed(failure);
            return Transactions.readOnly(primary, read);
        }
    }

    private boolean standbyUsable() {
        return standby != null && !standbyCircuit.isOpen();
    }

    /**
     * A failure of the standby itself is swallowed, the rest (a cancelled call, a bug) thrown. A
     * standby that cannot be reached has its circuit opened, which makes its health check look at it
     * at once: further reads go to the primary until the standby answers again.
     */
    private void throwUnlessStandbyFailed(RuntimeException failure) {
        if (Context.current().isCancelled()) {
            throw failure;
        }
        boolean unavailable = SqlStates.isUnavailable(failure);
        // 40001 on a standby: the query was cancelled for a conflict with recovery.
        if (!unavailable && !SqlStates.isRetryable(failure)) {
            throw failure;
        }
        LOG.log(Level.INFO, "A read failed on the standby ({0}); running it on the primary", SqlStates.sqlState(failure));
        if (unavailable) {
            standbyCircuit.unreachable();
        }
    }
}
