package com.example.orders.server.db;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;

/**
 * Whether calls try the database at all. While it is known to be unreachable (the circuit is open),
 * calls do not each wait the pool's connection timeout on a dead database: for a standby, reads go to
 * the primary at once (see {@link Reads}); for the primary, what a call does depends on why:
 * <ul>
 * <li><b>Down</b> (no server of the URL answers): the call fails at once with UNAVAILABLE.</li>
 * <li><b>Failing over</b> (a server answers, but none takes writes: a standby not yet promoted): the
 * call waits for the new primary, holding no connection, as long as its deadline allows and at most
 * {@code failoverWait} from the start of the outage; a call whose deadline ends before the failover is
 * expected to (as long as the last one this instance saw took, or {@code expectedFailover} before any)
 * fails at once. A client then sees a failover as a slow call, not a failed one.</li>
 * <li>Not yet known (the health check is on it): the call waits for its verdict, within its deadline.</li>
 * </ul>
 * The health check opens and closes the circuit and says why it is open, checking every 100 ms while
 * it is; a call that could not get a connection because none could be made, or whose connection broke,
 * opens it too, and has the health check run at once. Opening it also drops the pool's connections:
 * they lead to a database that is gone, or after a failover to one that is no longer the primary.
 */
public final class DatabaseCircuit {

    private static final System.Logger LOG = System.getLogger(DatabaseCircuit.class.getName());
    /** What a call needs after the primary is back to do its work: it must not be woken for nothing. */
    private static final long MARGIN_NANOS = TimeUnit.MILLISECONDS.toNanos(250);

    /** Why the circuit is open. */
    public enum Outage {
        /** Closed: calls go to the database. */
        NONE,
        /** Open, the health check has not said why yet. */
        UNKNOWN,
        /** A server answers, none takes writes: a standby is about to be promoted. */
        FAILING_OVER,
        /** No server answers. */
        DOWN
    }

    private final String database;
    private final String whileOpen;
    private final String whileClosed;
    private final Duration failoverWait;
    private final Duration expectedFailover;
    private final List<Runnable> onOpen = new CopyOnWriteArrayList<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private volatile Outage outage = Outage.NONE;
    private volatile long openedAt;
    /** Whether the outage under way was ever a failover: when it ends, its length is the last failover's. */
    private volatile boolean failedOver;
    /** Null until this instance has seen one. */
    private volatile Duration lastFailover;
    private volatile long failovers;

    private DatabaseCircuit(String database, String whileOpen, String whileClosed, Duration failoverWait,
                            Duration expectedFailover) {
        this.database = database;
        this.whileOpen = whileOpen;
        this.whileClosed = whileClosed;
        this.failoverWait = failoverWait;
        this.expectedFailover = expectedFailover;
    }

    /**
     * The primary's: while it is open, calls fail at once, or, while a failover is under way, wait for
     * the new primary (see above).
     */
    public static DatabaseCircuit primary(Duration failoverWait, Duration expectedFailover) {
        return new DatabaseCircuit("Database", "calls get UNAVAILABLE at once, or wait while a standby takes over",
                                   "calls go to it", failoverWait, expectedFailover);
    }

    /** A standby's: while it is open, reads go to the primary. */
    public static DatabaseCircuit standby() {
        return new DatabaseCircuit("Standby", "reads go to the primary", "reads go to it", Duration.ZERO,
                                   Duration.ZERO);
    }

    /** Something to run each time the circuit opens: a health check, which closes it once the database answers. */
    public void whenOpened(Runnable action) {
        onOpen.add(action);
    }

    /** True while calls do not go to the database (a standby's: while reads go to the primary). */
    public boolean isOpen() {
        return outage != Outage.NONE;
    }

    public Outage outage() {
        return outage;
    }

    /** How long the outage under way has lasted; zero while closed. */
    public Duration outageLength() {
        return isOpen() ? Duration.ofNanos(System.nanoTime() - openedAt) : Duration.ZERO;
    }

    /** How long the last failover this instance saw took, from the first failure to the new primary; null before one. */
    public Duration lastFailover() {
        return lastFailover;
    }

    /** Failovers this instance has seen end since start. */
    public long failovers() {
        return failovers;
    }

    /** The database answered: calls go to it again. */
    public void reachable() {
        if (!isOpen()) {
            return;
        }
        lock.lock();
        try {
            if (failedOver) {
                lastFailover = Duration.ofNanos(System.nanoTime() - openedAt);
                failovers++;
                LOG.log(Level.INFO, "{0} reachable again after a failover of {1} ms: {2}", database,
                        lastFailover.toMillis(), whileClosed);
            } else {
                LOG.log(Level.INFO, "{0} reachable again: {1}", database, whileClosed);
            }
            outage = Outage.NONE;
            failedOver = false;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** The database cannot be reached: calls stop going to it until it answers a health check. */
    public void unreachable() {
        if (isOpen()) {
            return;
        }
        lock.lock();
        try {
            if (isOpen()) {
                return;
            }
            openedAt = System.nanoTime();
            outage = Outage.UNKNOWN;
        } finally {
            lock.unlock();
        }
        LOG.log(Level.WARNING, "{0} unreachable: {1} until it answers again", database, whileOpen);
        onOpen.forEach(Runnable::run);
    }

    /** Why the open circuit is open, as the health check found. */
    public void diagnosed(Outage why) {
        lock.lock();
        try {
            if (!isOpen() || why == Outage.NONE || why == outage) {
                return;
            }
            outage = why;
            if (why == Outage.FAILING_OVER) {
                failedOver = true;
                LOG.log(Level.WARNING, "{0}: a server answers, none takes writes: a failover is under way; "
                        + "calls wait for the new primary", database);
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * For a call that needs the database while the circuit is open: waits, as the outage allows (see
     * above), for it to close; true if it has, false if the call is to fail now. {@code callNanosLeft}
     * is the time to the call's deadline (Long.MAX_VALUE for none); {@code cancelled} ends the wait.
     */
    boolean awaitClosed(long callNanosLeft, BooleanSupplier cancelled) throws InterruptedException {
        long now = System.nanoTime();
        long callEnd = callNanosLeft == Long.MAX_VALUE ? Long.MAX_VALUE : now + callNanosLeft - MARGIN_NANOS;
        lock.lock();
        try {
            while (isOpen()) {
                now = System.nanoTime();
                Outage why = outage;
                if (why == Outage.DOWN || cancelled.getAsBoolean()) {
                    return false;
                }
                long waitEnd = Math.min(callEnd, openedAt + failoverWait.toNanos());
                if (why == Outage.FAILING_OVER && callEnd - now < expectedEnd() - now) {
                    return false; // the call's deadline comes before the new primary is expected
                }
                long left = waitEnd - now;
                if (left <= 0) {
                    return false;
                }
                // In slices: a call cancelled meanwhile stops waiting within one.
                changed.awaitNanos(Math.min(left, TimeUnit.MILLISECONDS.toNanos(100)));
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** When the outage under way is expected to end, if it is a failover like the last one. */
    private long expectedEnd() {
        Duration expected = lastFailover == null ? expectedFailover : lastFailover;
        return openedAt + expected.toNanos();
    }
}
