package com.example.orders.server.events;

import java.lang.System.Logger.Level;
import java.time.Duration;

/**
 * The loop of a background worker of order events (the sequencer, the relay): rounds of work, one
 * after the other, on a virtual thread of its own until closed. After a round that left nothing to do,
 * it waits for its signal to move, or for the poll interval, and never starts rounds closer together
 * than the spacing. A round that fails is logged once, the loop pauses a second and tries again, and
 * its recovery is logged once too: a database or broker that is down for an hour makes two lines.
 */
final class BackgroundLoop implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(BackgroundLoop.class.getName());
    private static final Duration PAUSE_AFTER_FAILURE = Duration.ofSeconds(1);

    private final String failingMessage;
    private final String recoveredMessage;
    private final EventNotifications.Signal wakeUp;
    private final Duration poll;
    private final Duration spacing;
    private final Duration pauseAfterFailure;
    private final Round round;
    private final Thread thread;
    private volatile boolean running = true;

    /** One round of work. */
    @FunctionalInterface
    interface Round {
        /** Does a round of work; true if more is waiting, and the next round should start at once. */
        boolean run() throws Exception;

        /** After a failed round, before the pause: e.g. drop a connection that may be broken. */
        default void failed() {
        }
    }

    private BackgroundLoop(String name, String failingMessage, String recoveredMessage,
                           EventNotifications.Signal wakeUp, Duration poll, Duration spacing,
                           Duration pauseAfterFailure, Round round) {
        this.failingMessage = failingMessage;
        this.recoveredMessage = recoveredMessage;
        this.wakeUp = wakeUp;
        this.poll = poll;
        this.spacing = spacing;
        this.pauseAfterFailure = pauseAfterFailure;
        this.round = round;
        this.thread = Thread.ofVirtual().name(name).unstarted(this::run);
    }

    /**
     * Starts {@code round} in a loop on a thread named {@code name}. {@code failingMessage} is logged
     * with the failure's message as {0} when rounds start failing, {@code recoveredMessage} when they
     * succeed again.
     */
    static BackgroundLoop start(String name, String failingMessage, String recoveredMessage,
                                EventNotifications.Signal wakeUp, Duration poll, Duration spacing, Round round) {
        return start(name, failingMessage, recoveredMessage, wakeUp, poll, spacing, PAUSE_AFTER_FAILURE, round);
    }

    /** The same, pausing {@code pauseAfterFailure} after a failed round: its unit test cannot wait seconds. */
    static BackgroundLoop start(String name, String failingMessage, String recoveredMessage,
                                EventNotifications.Signal wakeUp, Duration poll, Duration spacing,
                                Duration pauseAfterFailure, Round round) {
        BackgroundLoop loop = new BackgroundLoop(name, failingMessage, recoveredMessage, wakeUp, poll, spacing,
                                                 pauseAfterFailure, round);
        loop.thread.start();
        return loop;
    }

    private void run() {
        boolean failing = false;
        while (running) {
            long seen = wakeUp.version();
            long started = System.nanoTime();
            try {
                boolean more = round.run();
                if (failing) {
                    LOG.log(Level.INFO, recoveredMessage);
                    failing = false;
                }
                if (!more) {
                    wakeUp.awaitAfter(seen, poll.toMillis());
                    long early = started + spacing.toNanos() - System.nanoTime();
                    if (early > 0) {
                        Thread.sleep(Duration.ofNanos(early));
                    }
                }
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                if (running && !failing) {
                    LOG.log(Level.WARNING, failingMessage, reason(e));
                    failing = true;
                }
                round.failed();
                try {
                    Thread.sleep(pauseAfterFailure);
                } catch (InterruptedException interrupted) {
                    return;
                }
            }
        }
    }

    /** The first cause that says something: clients wrap the word of the database or the broker in bare exceptions. */
    private static String reason(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause.getMessage() != null) {
                return cause.getClass().getSimpleName() + ": " + cause.getMessage();
            }
        }
        return failure.getClass().getName();
    }

    /**
     * Stops the loop after its round and waits up to 5 s for it. The loop is woken through its signal,
     * not interrupted: an interrupt would break the connection of a statement running.
     */
    @Override
    public void close() throws InterruptedException {
        running = false;
        wakeUp.signal();
        thread.join(Duration.ofSeconds(5));
    }
}
