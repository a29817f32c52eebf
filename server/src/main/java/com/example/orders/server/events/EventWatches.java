package com.example.orders.server.events;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.function.Consumer;

import com.example.orders.server.db.CallScope;
import com.example.orders.server.db.EventStore;
import com.example.orders.server.error.OutOfRangeException;
import com.example.orders.server.error.ResourceExhaustedException;
import com.example.orders.v1.OrderEvent;

/**
 * The watches of order events (WatchOrderEvents): each sends the events after the position its client
 * gives (or the last one), in position order, then waits for the next to be sequenced, until the call
 * is cancelled or the server stops. It reads a batch at a time on the call's own thread, and a
 * {@code send} that blocks while the client's flow-control window is full holds it back: a slow
 * watcher holds one batch, and falls behind in the database, not in memory. Watchers hold no
 * connection while they wait, but each a thread and a stream: there are at most {@code maxWatchers}.
 */
public final class EventWatches {

    /** Events a watch reads and sends at a time. */
    private static final int BATCH = 100;
    /** The longest a watch waits for news: a notification lost while the listener reconnected costs no more. */
    private static final long POLL_MILLIS = 1000;

    private final EventStore events;
    private final EventNotifications notifications;
    private final int maxWatchers;
    private final Semaphore watchers;
    private volatile boolean stopping;

    public EventWatches(EventStore events, EventNotifications notifications, int maxWatchers) {
        this.events = events;
        this.notifications = notifications;
        this.maxWatchers = maxWatchers;
        this.watchers = new Semaphore(maxWatchers);
    }

    /** How a watch ended. */
    public enum End {
        /** Its call was cancelled, by the client or its deadline. */
        CANCELLED,
        /** The server is stopping: the client watches again, elsewhere, after its last event_id. */
        SERVER_STOPPING
    }

    /**
     * Watches the events after {@code resumeAfter} (null: after the last one) of one customer's orders
     * or (0) of all, handing each to {@code send}, until the current call is cancelled or the server
     * stops, and then hands {@code end} why: before {@link #stopAll} counts the watch as over, so that
     * its client hears of it before the server stops. Throws ResourceExhaustedException beyond the
     * watchers allowed, OutOfRangeException for a position never given or whose events are pruned.
     */
    public void watch(Long resumeAfter, long customerId, Consumer<OrderEvent> send, Consumer<End> end) {
        if (!watchers.tryAcquire()) {
            throw new ResourceExhaustedException("already " + maxWatchers
                    + " WatchOrderEvents calls running, the most this server runs at once; retry later");
        }
        CallScope.Cancellation call = CallScope.current().cancellation();
        Runnable stopWaking = call.onCancel(notifications.sequenced()::signal, Runnable::run);
        notifications.written().signal(); // events not sequenced yet get their ids now, not at the next poll
        try {
            long position = startPosition(resumeAfter);
            while (!call.isCancelled() && !stopping) {
                long seen = notifications.sequenced().version();
                List<OrderEvent> batch = events.after(position, customerId, BATCH);
                for (OrderEvent event : batch) {
                    send.accept(event);
                    position = event.getEventId();
                }
                if (batch.size() < BATCH) {
                    notifications.sequenced().awaitAfter(seen, POLL_MILLIS);
                }
            }
            end.accept(call.isCancelled() ? End.CANCELLED : End.SERVER_STOPPING);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            end.accept(End.SERVER_STOPPING);
        } finally {
            stopWaking.run();
            watchers.release();
        }
    }

    /** Where a watch starts: after the last event, or after the client's, if every event since is held. */
    private long startPosition(Long resumeAfter) {
        EventStore.Positions held = events.positions();
        if (resumeAfter == null) {
            return held.last();
        }
        if (resumeAfter > held.last()) {
            throw new OutOfRangeException("after_event_id " + resumeAfter + " was never given: the last event is "
                    + held.last());
        }
        if (held.first() > resumeAfter + 1) {
            throw new OutOfRangeException("after_event_id " + resumeAfter + " is too old: the events up to "
                    + (held.first() - 1) + " are pruned; the oldest held is " + held.first());
        }
        return resumeAfter;
    }

    /** Whether a watch is running on this instance: then every write wakes the sequencer at once. */
    public boolean watching() {
        return watchers.availablePermits() < maxWatchers;
    }

    /**
     * Ends every watch (they would never end by themselves) and waits up to {@code wait} for them to
     * have returned: the server stopping next would cut them off unanswered.
     */
    public void stopAll(Duration wait) throws InterruptedException {
        stopping = true;
        notifications.sequenced().signal();
        long deadline = System.nanoTime() + wait.toNanos();
        while (watchers.availablePermits() < maxWatchers && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
    }
}
