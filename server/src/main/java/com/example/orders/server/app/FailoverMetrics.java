package com.example.orders.server.app;

import com.example.orders.server.db.DatabaseCircuit;

import io.helidon.metrics.api.FunctionalCounter;
import io.helidon.metrics.api.Gauge;
import io.helidon.metrics.api.MeterRegistry;

/**
 * Failovers of the primary as this instance sees them: whether one is under way
 * (db.failover.in.progress, 1 or 0), how long the last one took (db.failover.last.seconds, NaN
 * before one), and how many ended (db.failovers); closing what it returns removes them.
 */
final class FailoverMetrics {

    private FailoverMetrics() {
    }

    static RegisteredMeters register(DatabaseCircuit circuit, MeterRegistry registry) {
        RegisteredMeters meters = new RegisteredMeters(registry);
        meters.add(Gauge.builder("db.failover.in.progress", circuit,
                                 c -> c.outage() == DatabaseCircuit.Outage.FAILING_OVER ? 1 : 0)
                .description("1 while a failover of the primary is under way and calls wait for the new one"));
        meters.add(Gauge.builder("db.failover.last.seconds", circuit,
                                 c -> c.lastFailover() == null ? Double.NaN : c.lastFailover().toMillis() / 1e3)
                .description("How long the last failover took, from the first failure to the new primary"));
        meters.add(FunctionalCounter.builder("db.failovers", circuit, DatabaseCircuit::failovers)
                .description("Failovers of the primary this instance has seen end"));
        return meters;
    }
}
