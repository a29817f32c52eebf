package com.example.orders.server.events;

import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import com.example.orders.server.db.ConnectionPool;
import com.example.orders.server.db.Sql;

import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * Tells this instance when order events change: {@link #written()} when a call of this instance has
 * committed one (work for its sequencer; the other instances' sequencers are told by theirs, or find
 * them when they poll), {@link #sequenced()} when events got their positions anywhere (work for
 * watchers and the relay): it LISTENs, on a connection of its own, to what the sequencers NOTIFY at
 * their commits. Each wake-up is a new version of its {@link Signal}. Waiters wait for a version after
 * the one they last acted on, with a timeout: a notification lost while the connection was down
 * costs them no more.
 */
public final class EventNotifications implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(EventNotifications.class.getName());

    private final ConnectionPool pool;
    private final Signal written = new Signal();
    private final Signal sequenced = new Signal();
    private final Thread listener;
    private volatile boolean running = true;

    private EventNotifications(ConnectionPool pool) {
        this.pool = pool;
        this.listener = Thread.ofPlatform().name("order-events-listener").daemon().unstarted(this::listen);
    }

    public static EventNotifications start(ConnectionPool pool) {
        EventNotifications notifications = new EventNotifications(pool);
        notifications.listener.start();
        return notifications;
    }

    /** Events were written and committed by this instance, and wait for their positions. */
    public Signal written() {
        return written;
    }

    /** Events got their positions: they can be read by watchers and published. */
    public Signal sequenced() {
        return sequenced;
    }

    /**
     * A count of wake-ups that waiters wait to see move. Closed, it no longer makes anyone wait. Of
     * its own (not bound to a connection), so that what waits on it can be tested without a database.
     */
    public static final class Signal {

        private final ReentrantLock lock = new ReentrantLock();
        private final Condition changed = lock.newCondition();
        private long version;
        private boolean closed;

        Signal() {
        }

        public long version() {
            lock.lock();
            try {
                return version;
            } finally {
                lock.unlock();
            }
        }

        /** Waits until the version is past {@code seen}, or for {@code timeoutMillis}. */
        public void awaitAfter(long seen, long timeoutMillis) throws InterruptedException {
            lock.lock();
            try {
                long nanos = TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
                while (version == seen && nanos > 0 && !closed) {
                    nanos = changed.awaitNanos(nanos);
                }
            } finally {
                lock.unlock();
            }
        }

        /** A new version now: wakes every waiter. */
        public void signal() {
            lock.lock();
            try {
                version++;
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }

        /** Wakes every waiter, for good. */
        void close() {
            lock.lock();
            try {
                closed = true;
                version++;
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    private void listen() {
        boolean failing = false;
        while (running) {
            try (Connection connection = pool.openUnpooled(); Statement statement = connection.createStatement()) {
                statement.execute(Sql.NAME_EVENTS_LISTENER.jdbcText());
                statement.execute(Sql.LISTEN_EVENTS_SEQUENCED.jdbcText());
                if (failing) {
                    LOG.log(Level.INFO, "Listening to order events again");
                    failing = false;
                }
                sequenced.signal(); // what happened while nobody listened
                PGConnection notifications = connection.unwrap(PGConnection.class);
                while (running) {
                    PGNotification[] received = notifications.getNotifications(1000);
                    if (received != null && received.length > 0) {
                        sequenced.signal();
                    }
                }
            } catch (SQLException e) {
                if (running && !failing) {
                    LOG.log(Level.WARNING, "Not listening to order events ({0}); waiters fall back to polling",
                            e.getMessage());
                    failing = true;
                }
                sleep();
            }
        }
    }

    private void sleep() {
        try {
            Thread.sleep(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    @Override
    public void close() {
        running = false;
        written.close();
        sequenced.close();
        listener.interrupt();
    }
}
