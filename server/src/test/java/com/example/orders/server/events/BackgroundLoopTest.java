package com.example.orders.server.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.SimpleFormatter;
import java.util.stream.IntStream;

import com.example.orders.server.LogRecords;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The loop with rounds of the test's own: no database, no broker. Waits that the loop must not make
 * are an hour long, so that a loop that made one would stop the test at its timeout.
 */
class BackgroundLoopTest {

    private static final Duration HOUR = Duration.ofHours(1);
    private static final Duration PAUSE = Duration.ofMillis(30);

    private final EventNotifications.Signal wakeUp = new EventNotifications.Signal();
    private LogRecords log;
    private BackgroundLoop loop;

    @BeforeEach
    void recordTheLog() {
        log = new LogRecords(BackgroundLoop.class.getName());
    }

    @AfterEach
    void stop() throws InterruptedException {
        if (loop != null) {
            loop.close();
        }
        log.close();
    }

    @Test
    void aRoundThatLeftMoreIsFollowedAtOnce() throws InterruptedException {
        Rounds rounds = new Rounds("more", "more", "more", "more");

        loop = start(HOUR, Duration.ZERO, rounds);

        rounds.awaitStarted(5);
        loop.close();
        assertEquals(5, rounds.started(), "four with more, then one with nothing left, then the wait");
    }

    @Test
    void aRoundThatLeftNothingWaitsForTheSignal() throws InterruptedException {
        Rounds rounds = new Rounds();
        loop = start(HOUR, Duration.ZERO, rounds);
        rounds.awaitStarted(1);

        wakeUp.signal();

        rounds.awaitStarted(2);
        loop.close();
        assertEquals(2, rounds.started());
    }

    @Test
    void withoutASignalTheNextRoundComesAfterThePollInterval() throws InterruptedException {
        Rounds rounds = new Rounds();

        loop = start(Duration.ofMillis(20), Duration.ZERO, rounds);

        rounds.awaitStarted(3);
        assertTrue(rounds.gapsAtLeast(Duration.ofMillis(20)), rounds.gaps().toString());
    }

    @Test
    void roundsStartNoCloserThanTheSpacingWhateverTheSignals() throws InterruptedException {
        Rounds rounds = new Rounds();
        loop = start(HOUR, Duration.ofMillis(50), rounds);

        for (int round = 1; round <= 3; round++) {
            rounds.awaitStarted(round);
            wakeUp.signal();
        }

        assertTrue(rounds.gapsAtLeast(Duration.ofMillis(50)), rounds.gaps().toString());
    }

    @Test
    void failingRoundsArePausedAndLoggedOnceAsIsTheRecovery() throws InterruptedException {
        Rounds rounds = new Rounds("fail", "fail", "fail", "more", "fail", "fail", "more");

        loop = start(HOUR, Duration.ZERO, rounds);

        rounds.awaitStarted(8);
        assertEquals(5, rounds.failed.get(), "each failed round is told so");
        assertEquals(List.of("WARNING Cannot test now: SQLException: Connection refused",
                             "INFO Testing again",
                             "WARNING Cannot test now: SQLException: Connection refused",
                             "INFO Testing again"),
                     log.of(BackgroundLoop.class.getName()).stream().map(record -> record.getLevel() + " " + new SimpleFormatter().formatMessage(record))
                             .toList());
        List<Duration> gaps = rounds.gaps();
        for (int afterFailure : new int[] {0, 1, 2, 4, 5}) {
            assertTrue(gaps.get(afterFailure).compareTo(PAUSE) >= 0, "paused after a failure: " + gaps);
        }
    }

    @Test
    void closeWakesTheLoopThroughItsSignal() throws InterruptedException {
        Rounds rounds = new Rounds();
        loop = start(HOUR, Duration.ZERO, rounds);
        rounds.awaitStarted(1);
        Thread thread = rounds.thread;
        assertEquals("test-loop", thread.getName());
        long waitStarted = System.nanoTime();
        while (thread.getState() != Thread.State.TIMED_WAITING) {
            assertTrue(System.nanoTime() - waitStarted < TimeUnit.SECONDS.toNanos(5), "waits for its signal");
            Thread.sleep(1);
        }
        long version = wakeUp.version();

        loop.close();

        assertFalse(thread.isAlive(), "ended within close, not left waiting an hour");
        assertTrue(wakeUp.version() > version);
        assertEquals(1, rounds.started());
    }

    private BackgroundLoop start(Duration poll, Duration spacing, Rounds rounds) {
        return BackgroundLoop.start("test-loop", "Cannot test now: {0}", "Testing again", wakeUp, poll, spacing, PAUSE,
                                    rounds);
    }

    /**
     * Rounds that play a script, one step each: "fail" throws as a client wraps the database's word,
     * "more" says more is waiting; then each round finds nothing left to do. Records when each started.
     */
    private static final class Rounds implements BackgroundLoop.Round {

        private final Deque<String> script;
        private final List<Long> starts = new ArrayList<>();
        private final AtomicInteger failed = new AtomicInteger();
        private volatile Thread thread;

        Rounds(String... script) {
            this.script = new ArrayDeque<>(List.of(script));
        }

        @Override
        public boolean run() {
            thread = Thread.currentThread();
            synchronized (this) {
                starts.add(System.nanoTime());
                notifyAll();
            }
            String step = script.poll();
            if ("fail".equals(step)) {
                throw new RuntimeException(null, new SQLException("Connection refused", "08001"));
            }
            return "more".equals(step);
        }

        @Override
        public void failed() {
            failed.incrementAndGet();
        }

        /** Waits up to 5 s for the {@code count}th round to have started. */
        synchronized void awaitStarted(int count) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (starts.size() < count) {
                long left = deadline - System.nanoTime();
                assertTrue(left > 0, "round " + count + " within 5 s; started " + starts.size());
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
        }

        synchronized int started() {
            return starts.size();
        }

        /** The time between each round's start and the next's. */
        synchronized List<Duration> gaps() {
            return IntStream.range(1, starts.size())
                    .mapToObj(i -> Duration.ofNanos(starts.get(i) - starts.get(i - 1)))
                    .toList();
        }

        boolean gapsAtLeast(Duration gap) {
            return gaps().stream().allMatch(each -> each.compareTo(gap) >= 0);
        }
    }
}
