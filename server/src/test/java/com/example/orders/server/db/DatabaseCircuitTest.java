package com.example.orders.server.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;

/** What a call does while the primary's circuit is open, by why it is. */
class DatabaseCircuitTest {

    private static final long NO_DEADLINE = Long.MAX_VALUE;
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    private final DatabaseCircuit circuit = DatabaseCircuit.primary(Duration.ofSeconds(30), Duration.ofSeconds(10));

    @Test
    void aClosedCircuitLetsCallsThrough() throws Exception {
        assertTrue(circuit.awaitClosed(NO_DEADLINE, () -> false));
    }

    @Test
    void whileNoServerAnswersCallsFailAtOnce() throws Exception {
        circuit.unreachable();
        circuit.diagnosed(DatabaseCircuit.Outage.DOWN);
        long start = System.nanoTime();
        assertFalse(circuit.awaitClosed(NO_DEADLINE, () -> false));
        assertTrue(System.nanoTime() - start < SECOND, "failed at once, not after waiting");
    }

    @Test
    void duringAFailoverACallWaitsForTheNewPrimary() throws Exception {
        circuit.unreachable();
        circuit.diagnosed(DatabaseCircuit.Outage.FAILING_OVER);
        CompletableFuture<Boolean> call = CompletableFuture.supplyAsync(() -> await(30 * SECOND, () -> false));
        Thread.sleep(300);
        assertFalse(call.isDone(), "the call waits");
        circuit.reachable();
        assertTrue(call.get(5, TimeUnit.SECONDS), "the call goes on once the new primary answers");
        assertEquals(1, circuit.failovers());
        assertTrue(circuit.lastFailover().compareTo(Duration.ofMillis(300)) >= 0, circuit.lastFailover().toString());
    }

    @Test
    void aCallWhoseDeadlineEndsBeforeTheNewPrimaryIsExpectedFailsAtOnce() throws Exception {
        circuit.unreachable();
        circuit.diagnosed(DatabaseCircuit.Outage.FAILING_OVER);
        long start = System.nanoTime();
        assertFalse(circuit.awaitClosed(2 * SECOND, () -> false), "a failover is expected to take 10 s");
        assertTrue(System.nanoTime() - start < SECOND, "failed at once, not after waiting");
    }

    @Test
    void theLastFailoverSetsHowLongTheNextIsExpectedToTake() throws Exception {
        circuit.unreachable();
        circuit.diagnosed(DatabaseCircuit.Outage.FAILING_OVER);
        Thread.sleep(200);
        circuit.reachable(); // a failover of about 0.2 s
        circuit.unreachable();
        circuit.diagnosed(DatabaseCircuit.Outage.FAILING_OVER);
        CompletableFuture<Boolean> call = CompletableFuture.supplyAsync(() -> await(2 * SECOND, () -> false));
        Thread.sleep(100);
        assertFalse(call.isDone(), "a 2 s deadline outlasts a failover like the last one: the call waits");
        circuit.reachable();
        assertTrue(call.get(5, TimeUnit.SECONDS));
    }

    @Test
    void noCallWaitsLongerThanTheFailoverWaitFromTheFirstFailure() throws Exception {
        DatabaseCircuit shortWait = DatabaseCircuit.primary(Duration.ofMillis(300), Duration.ZERO);
        shortWait.unreachable();
        shortWait.diagnosed(DatabaseCircuit.Outage.FAILING_OVER);
        long start = System.nanoTime();
        assertFalse(shortWait.awaitClosed(NO_DEADLINE, () -> false));
        long waited = System.nanoTime() - start;
        assertTrue(waited >= SECOND / 5 && waited < 2 * SECOND, "waited " + waited / 1_000_000 + " ms");
    }

    @Test
    void aCancelledCallStopsWaiting() throws Exception {
        circuit.unreachable();
        circuit.diagnosed(DatabaseCircuit.Outage.FAILING_OVER);
        AtomicBoolean cancelled = new AtomicBoolean();
        CompletableFuture<Boolean> call = CompletableFuture.supplyAsync(() -> await(30 * SECOND, cancelled::get));
        Thread.sleep(100);
        cancelled.set(true);
        assertFalse(call.get(1, TimeUnit.SECONDS), "within one 100 ms slice of the cancel");
    }

    @Test
    void whileTheCauseIsNotKnownYetACallWaitsForTheVerdict() throws Exception {
        circuit.unreachable();
        CompletableFuture<Boolean> call = CompletableFuture.supplyAsync(() -> await(30 * SECOND, () -> false));
        Thread.sleep(200);
        assertFalse(call.isDone(), "the call waits for the health check's verdict");
        circuit.diagnosed(DatabaseCircuit.Outage.DOWN);
        assertFalse(call.get(1, TimeUnit.SECONDS), "down: the call fails");
        assertNull(circuit.lastFailover(), "no failover seen");
    }

    @Test
    void aStandbysCircuitNeverHoldsAReadBack() throws Exception {
        DatabaseCircuit standby = DatabaseCircuit.standby();
        standby.unreachable();
        long start = System.nanoTime();
        assertFalse(standby.awaitClosed(NO_DEADLINE, () -> false));
        assertTrue(System.nanoTime() - start < SECOND, "the read goes to the primary at once");
    }

    private boolean await(long nanosLeft, java.util.function.BooleanSupplier cancelled) {
        try {
            return circuit.awaitClosed(nanosLeft, cancelled);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }
}
