package com.example.orders.server.events;

import java.lang.System.Logger.Level;
import java.time.Duration;

import com.example.orders.server.db.EventStore;

/**
 * Gives committed order events their positions (see EventStore.sequence; every instance runs one, one
 * at a time does the work): as soon as a call of this instance has committed one, but at most once per
 * {@link #SPACING}, and every {@link #POLL} for the events of instances that stopped before their
 * sequencer got to them. Prunes old events once a minute, or every tenth of the retention if that is
 * shorter.
 */
public final class EventSequencer implements BackgroundLoop.Round {

    private static final System.Logger LOG = System.getLogger(EventSequencer.class.getName());
    private static final int BATCH = 1000;
    /** The longest a committed event waits for its position if no sequencer was told of it. */
    private static final Duration POLL = Duration.ofMillis(200);
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
    private final Duration retention;
    private final boolean unpublishedToo;
    private final long pruneEveryNanos;
    private long nextPrune = System.nanoTime();

    private EventSequencer(EventStore events, Duration retention, boolean unpublishedToo) {
        this.events = events;
        this.retention = retention;
        this.unpublishedToo = unpublishedToo;
        this.pruneEveryNanos = Math.min(Duration.ofMinutes(1).toNanos(), retention.toNanos() / 10);
    }

    /**
     * {@code unpublishedToo}: no broker is configured, so events older than the retention go whether
     * published or not.
     */
    public static AutoCloseable start(EventStore events, EventNotifications notifications, Duration retention,
                                      boolean unpublishedToo) {
        return BackgroundLoop.start("order-events-sequencer", "Cannot sequence order events now: {0}",
                                    "Sequencing order events again", notifications.written(), POLL, SPACING,
                                    new EventSequencer(events, retention, unpublishedToo));
    }

    @Override
    public boolean run() {
        if (events.sequence(BATCH) == BATCH) {
            return true;
        }
        if (System.nanoTime() - nextPrune >= 0) {
            while (events.prune(retention, unpublishedToo, PRUNE_BATCH) == PRUNE_BATCH) {
                LOG.log(Level.DEBUG, "Pruned a batch of old order events, more to go");
            }
            nextPrune = System.nanoTime() + pruneEveryNanos;
        }
        return false;
    }
}
