package com.example.orders.server.db;

import java.lang.System.Logger.Level;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

import io.helidon.dbclient.DbClient;
import io.helidon.dbclient.DbExecute;
import io.helidon.dbclient.DbTransaction;

/**
 * Where the reads outside a write run: on the standby when {@code db.replica-url} names one and it has
 * replayed every write they must see (see {@link Standby}), else on the primary. Writes, and the reads
 * inside a write's transaction, never come here.
 *
 * <p>A read the standby cannot serve (its connection has not replayed far enough, it is unreachable or
 * shutting down, or its query was cancelled for a conflict with the replay of the primary's changes)
 * runs again on the primary within the same call: a read has no effect, so running it twice is safe,
 * and the client never sees the standby's failure. While the standby is known to be down (its circuit
 * is open) or behind, reads go to the primary straight away.
 */
public final class Reads {

    private static final System.Logger LOG = System.getLogger(Reads.class.getName());

    private final DbClient primary;
    /** Null when no standby is configured. */
    private final Standby standby;

    private Reads(DbClient primary, Standby standby) {
        this.primary = primary;
        this.standby = standby;
    }

    /** Every read on the primary: no standby configured. */
    public static Reads onPrimary(DbClient primary) {
        return new Reads(primary, null);
    }

    /** Reads on the standby whenever it can serve them, else on the primary. */
    public static Reads onStandby(DbClient primary, Standby standby) {
        return new Reads(primary, standby);
    }

    /** Statements outside a transaction, each on a pooled connection of its own. */
    <T> T execute(Function<DbExecute, T> read) {
        if (standby == null || !standby.mayServe()) {
            return read.apply(primary.execute());
        }
        T result;
        try {
            result = read.apply(standby.db().execute());
        } catch (RuntimeException failure) {
            throwUnlessStandbyFailed(failure);
            return read.apply(primary.execute());
        }
        standby.served();
        return result;
    }

    /**
     * A read in a transaction of its own (an export, which reads through a cursor only inside one).
     * It runs again on the primary only while {@code nothingSent} is true: once part of its result
     * has left the server, starting over would send it twice.
     */
    <T> T inTransaction(Function<DbTransaction, T> read, BooleanSupplier nothingSent) {
        if (standby == null || !standby.mayServe()) {
            return Transactions.readOnly(primary, read);
        }
        T result;
        try {
            result = Transactions.readOnly(standby.db(), read);
        } catch (RuntimeException failure) {
            if (!nothingSent.getAsBoolean()) {
                throw failure;
            }
            throwUnlessStandbyFailed(failure);
            return Transactions.readOnly(primary, read);
        }
        standby.served();
        return result;
    }

    /**
     * A failure of the standby itself is swallowed, the rest (a cancelled call, a bug) thrown. A
     * standby that cannot be reached has its circuit opened, which makes its health check look at it
     * at once: further reads go to the primary until the standby answers again.
     */
    private void throwUnlessStandbyFailed(RuntimeException failure) {
        if (CallScope.current().isCancelled()) {
            throw failure;
        }
        if (SqlStates.hasCause(failure, Standby.Behind.class)) {
            standby.sentToPrimary();
            return;
        }
        boolean unavailable = SqlStates.isUnavailable(failure);
        // 40001 on a standby: the query was cancelled for a conflict with recovery.
        if (!unavailable && !SqlStates.isRetryable(failure)) {
            throw failure;
        }
        LOG.log(Level.INFO, "A read failed on the standby ({0}); running it on the primary", SqlStates.sqlState(failure));
        standby.sentToPrimary();
        if (unavailable) {
            standby.circuit().unreachable();
        }
    }
}
