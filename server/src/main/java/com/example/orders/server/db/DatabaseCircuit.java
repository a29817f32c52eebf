package com.example.orders.server.db;

import java.lang.System.Logger.Level;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Whether calls try the database at all. While it is known to be unreachable, calls fail at once with
 * UNAVAILABLE instead of each waiting the pool's connection timeout on a dead database (for a standby:
 * reads go to the primary at once, see {@link Reads}). The health check opens and closes it, and
 * checks every 100 ms while it is open, so that the database's return is seen within a second; a call
 * that could not get a connection because none could be made, or whose connection broke, opens it
 * too, and has the health check run at once. Opening it also drops the pool's connections: they lead
 * to a database that is gone, or after a failover to one that is no longer the primary.
 */
public final class DatabaseCircuit {

    private static final System.Logger LOG = System.getLogger(DatabaseCircuit.class.getName());

    private final String database;
    private final String whileOpen;
    private final String whileClosed;
    private volatile boolean open;
    private final List<Runnable> onOpen = new CopyOnWriteArrayList<>();

    private DatabaseCircuit(String database, String whileOpen, String whileClosed) {
        this.database = database;
        this.whileOpen = whileOpen;
        this.whileClosed = whileClosed;
    }

    /** The primary's: while it is open, calls fail. */
    public static DatabaseCircuit primary() {
        return new DatabaseCircuit("Database", "calls get UNAVAILABLE at once", "calls go to it");
    }

    /** A standby's: while it is open, reads go to the primary. */
    public static DatabaseCircuit standby() {
        return new DatabaseCircuit("Standby", "reads go to the primary", "reads go to it");
    }

    /** Something to run each time the circuit opens: a health check, which closes it once the database answers. */
    public void whenOpened(Runnable action) {
        onOpen.add(action);
    }

    /** True while calls fail at once (a standby's: while reads go to the primary). */
    public boolean isOpen() {
        return open;
    }

    /** The database answered: calls go to it again. */
    public void reachable() {
        if (open) {
            open = false;
            LOG.log(Level.INFO, "{0} reachable again: {1}", database, whileClosed);
        }
    }

    /** The database cannot be reached: calls fail at once until it answers a health check. */
    public void unreachable() {
        if (!open) {
            open = true;
            LOG.log(Level.WARNING, "{0} unreachable: {1} until it answers again", database, whileOpen);
            onOpen.forEach(Runnable::run);
        }
    }
}
