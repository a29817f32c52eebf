package com.example.orders.server.db;

import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

import io.helidon.dbclient.DbClient;
import io.helidon.dbclient.DbTransaction;

/**
 * Where writes run: each in a transaction of its own on the primary (see {@link Transactions}). While
 * reads may go to a standby, every commit is followed by the WAL position from which it is visible:
 * the call gets it ({@link CallScope#written()}, which its client may send back to read its write
 * through another instance), and it raises {@link #acknowledged()}, behind which no read of this
 * instance goes.
 */
public final class Writes {

    private final DbClient primary;
    private final boolean tracksPositions;
    private final AtomicLong acknowledged = new AtomicLong();

    private Writes(DbClient primary, boolean tracksPositions) {
        this.primary = primary;
        this.tracksPositions = tracksPositions;
    }

    /** Every read on the primary too: no position to track. */
    public static Writes onPrimary(DbClient primary) {
        return new Writes(primary, false);
    }

    /** Reads may go to a standby: each commit's position is learnt, one statement more per write. */
    public static Writes trackingPositions(DbClient primary) {
        return new Writes(primary, true);
    }

    /**
     * Runs {@code work} in a transaction, retried as {@link Transactions#inTransaction} says, and
     * returns once it has committed and, when positions are tracked, its position is known: a read
     * that starts after that never misses it.
     */
    <T> T inTransaction(Function<DbTransaction, T> work) {
        T result = Transactions.inTransaction(primary, work);
        if (tracksPositions) {
            long position = Sql.PRIMARY_POSITION.rows(primary.execute(), Map.of()).getFirst()
                    .column("position").get(Long.class);
            acknowledged.accumulateAndGet(position, Math::max);
            CallScope.current().wrote(position);
        }
        return result;
    }

    /** The highest WAL position of the writes this instance has acknowledged. */
    long acknowledged() {
        return acknowledged.get();
    }
}
