package com.example.orders.server.app;

import java.lang.System.Logger.Level;
import java.time.Duration;

import com.example.orders.server.db.EventNotifications;
import com.example.orders.server.db.EventStore;

/**
 * Gives committed order events their positions (see EventStore.sequence; every instance runs one, one
 * at a time does the work): as soon as a call of this instance has committed one, but at most once per
 * {@link #SPACING}, and every {@link #POLL_MILLIS} for the events of instances that stopped before
 * their sequencer got to them. Prunes old events once a minute, or every tenth of the retention if
 * that is shorter.
 */
final class EventSequencer implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(EventSequencer.class.getName());
    private static final int BATCH = 1000;
    /** The longest a committed event waits for its position if no sequencer was told of it. */
    private static final long POLL_MILLIS = 200;
    /**
     * The least time between the starts of two runs. A run is a transaction of three statements and a
     * NOTIFY; spaced, one run gives positions to every event committed since the last, instead of one
     * run per commit, and an event waits at most this much longer for its position, only when events
     * come faster than this.
     */
    private static final Duration SPACING = Duration.ofMillis(5);
    /** Events deleted per statement, each its own short transaction. */
    private static final int PRUNE_BATCH = 10_000;

    private final EventStore events;
    private final EventNotifications notifications;
    private final Duration retention;
    private final boolean unpublishedToo;
    private final long pruneEveryNanos;
    private final Thread thread;
    private volatile boolean running = true;

    private EventSequencer(EventStore events, EventNotifications notifications, Duration retention,
                           boolean unpublishedToo) {
        this.events = events;
        this.notifications = notifications;
        this.retention = retention;
        this.unpublishedToo = unpublishedToo;
        this.pruneEveryNanos = Math.min(Duration.ofMinutes(1).toNanos(), retention.toNanos() / 10);
        this.thread = Thread.ofVirtual().name("order-events-sequencer").unstarted(this::run);
    }

    /**
     * {@code unpublishedToo}: no broker is configured, so events older than the retention go whether
     * published or not.
     */
    static EventSequencer start(EventStore events, EventNotifications notifications, Duration retention,
                                boolean unpublishedToo) {
        EventSequencer sequencer = new EventSequencer(events, notifications, retention, unpublishedToo);
        sequencer.thread.start();
        return sequencer;
    }

    private void run() {
        long nextPrune = System.nanoTime();
        boolean failing = false;
        EventNotifications.Signal written = notifications.written();
        while (running) {
            long seen = written.version();
            long started = System.nanoTime();
            try {
                if (events.sequence(BATCH) == BATCH) {
                    continue; // more are waiting
                }
                if (System.nanoTime() - nextPrune >= 0) {
                    while (running && events.prune(retention, unpublishedToo, PRUNE_BATCH) == PRUNE_BATCH) {
                        LOG.log(Level.DEBUG, "Pruned a batch of old order events, more to go");
                    }
                    nextPrune = System.nanoTime() + pruneEveryNanos;
                }
                if (failing) {
                    LOG.log(Level.INFO, "Sequencing order events again");
                    failing = false;
                }
                written.awaitAfter(seen, POLL_MILLIS);
                long early = started + SPACING.toNanos() - System.nanoTime();
                if (early > 0) {
                    Thread.sleep(Duration.ofNanos(early));
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                if (!failing) {
                    LOG.log(Level.WARNING, "Cannot sequence order events now: {0}", e.getMessage());
                    failing = true;
                }
                pause();
            }
        }
    }

    private void pause() {
        try {
            Thread.sleep(1000);
        } catch (InterruptedException e) {
            running = false;
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        notifications.written().signal(); // not an interrupt, which would break the connection of a statement running
        thread.join(Duration.ofSeconds(5));
    }
}
