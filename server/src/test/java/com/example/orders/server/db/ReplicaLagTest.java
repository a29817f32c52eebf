package com.example.orders.server.db;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class ReplicaLagTest {

    private static final long SECOND = 1_000_000_000L;

    private final ReplicaLag lag = new ReplicaLag();

    @Test
    void aStandbyThatHasReplayedEverythingIsNotBehindHoweverLongThePrimaryWasIdle() {
        lag.primaryAt(0, 1000);
        assertEquals(new ReplicaLag.Behind(0, Duration.ZERO), lag.behind(3600 * SECOND, 1000));
        assertEquals(new ReplicaLag.Behind(0, Duration.ZERO), lag.behind(3600 * SECOND, 1500));
    }

    @Test
    void theTimeBehindIsSinceThePrimaryFirstHadWhatTheStandbyLacks() {
        lag.primaryAt(10 * SECOND, 1000);
        lag.primaryAt(11 * SECOND, 2000);
        lag.primaryAt(12 * SECOND, 3000);
        assertEquals(new ReplicaLag.Behind(2000, Duration.ofSeconds(3)), lag.behind(14 * SECOND, 1000));
        assertEquals(new ReplicaLag.Behind(1500, Duration.ofSeconds(3)), lag.behind(14 * SECOND, 1500));
        assertEquals(new ReplicaLag.Behind(1, Duration.ofSeconds(2)), lag.behind(14 * SECOND, 2999));
        assertEquals(new ReplicaLag.Behind(2500, Duration.ofSeconds(4)), lag.behind(14 * SECOND, 500));
    }

    @Test
    void theSamePositionSeenAgainKeepsTheTimeItWasFirstSeen() {
        lag.primaryAt(10 * SECOND, 1000);
        lag.primaryAt(11 * SECOND, 2000);
        lag.primaryAt(20 * SECOND, 2000);
        assertEquals(new ReplicaLag.Behind(1000, Duration.ofSeconds(10)), lag.behind(21 * SECOND, 1000));
    }

    @Test
    void aPrimaryBehindTheLastOneSeenStartsAHistoryOfItsOwn() {
        lag.primaryAt(10 * SECOND, 5000);
        lag.primaryAt(11 * SECOND, 3000); // an asynchronous standby promoted, behind the old primary
        assertEquals(3000, lag.primaryPosition());
        assertEquals(new ReplicaLag.Behind(0, Duration.ZERO), lag.behind(12 * SECOND, 3000));
        assertEquals(new ReplicaLag.Behind(1000, Duration.ofSeconds(1)), lag.behind(12 * SECOND, 2000));
    }

    @Test
    void beyondItsCapacityTheOldestAdvancesAreForgottenAndAStandbyBehindThemAllIsAtLeastThatOld() {
        for (int i = 1; i <= ReplicaLag.CAPACITY + 10; i++) {
            lag.primaryAt(i * SECOND, i * 100L);
        }
        long now = (ReplicaLag.CAPACITY + 10) * SECOND;
        ReplicaLag.Behind behind = lag.behind(now, 0);
        assertEquals((ReplicaLag.CAPACITY + 10) * 100L, behind.bytes());
        assertEquals(Duration.ofSeconds(ReplicaLag.CAPACITY - 1), behind.time(), "since the oldest advance remembered");
    }

    @Test
    void nothingSeenOfThePrimaryMeansNothingBehind() {
        assertEquals(new ReplicaLag.Behind(0, Duration.ZERO), lag.behind(SECOND, 0));
        assertEquals(0, lag.primaryPosition());
    }
}
