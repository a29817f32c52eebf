package com.example.orders.server.db;

import java.lang.System.Logger.Level;

/**
 * Whether calls try the database at all. While it is known to be unreachable, calls fail at once with
 * UNAVAILABLE instead of each waiting the pool's connection timeout on a dead database. The health
 * check opens and closes it, and checks every 100 ms while it is open, so that the database's return
 * is seen within a second; a call that could not get a connection because none could be made opens it
 * too, and has the health check run at once.
 */
public final class DatabaseCircuit {

    private static final System.Logger LOG = System.getLogger(DatabaseCircuit.class.getName());

    private volatile boolean open;
    private volatile Runnable onOpen = () -> { };

    /** What to run when the circuit opens: a health check, which closes it once the database answers. */
    public void whenOpened(Runnable action) {
        onOpen = action;
    }

    /** True while calls fail at once. */
    boolean isOpen() {
        return open;
    }

    /** The database answered: calls go to it again. */
    public void reachable() {
        if (open) {
            open = false;
            LOG.log(Level.INFO, "Database reachable again: calls go to it");
        }
    }

    /** The database cannot be reached: calls fail at once until it answers a health check. */
    public void unreachable() {
        if (!open) {
            open = true;
            LOG.log(Level.WARNING, "Database unreachable: calls get UNAVAILABLE at once until it answers again");
            onOpen.run();
        }
    }
}
