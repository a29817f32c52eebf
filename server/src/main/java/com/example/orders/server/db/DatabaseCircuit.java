package com.example.orders.server.db;

import java.lang.System.Logger.Level;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Whether calls try the database at all. While it is known to be unreachable, calls fail at once with
 * UNAVAILABLE instead of each waiting the pool's connection timeout on a dead database. The health
 * check opens and closes it, and checks every 100 ms while it is open, so that the database's return
 * is seen within a second; a call that could not get a connection because none could be made, or whose
 * connection broke, opens it too, and has the health check run at once. Opening it also drops the
 * pool's connections: they lead to a database that is gone, or after a failover to one that is no
 * longer the primary.
 */
public final class DatabaseCircuit {

    private static final System.Logger LOG = System.getLogger(DatabaseCircuit.class.getName());

    private volatile boolean open;
    private final List<Runnable> onOpen = new CopyOnWriteArrayList<>();

    /** Something to run each time the circuit opens: a health check, which closes it once the database answers. */
    public void whenOpened(Runnable action) {
        onOpen.add(action);
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
            onOpen.forEach(Runnable::run);
        }
    }
}
