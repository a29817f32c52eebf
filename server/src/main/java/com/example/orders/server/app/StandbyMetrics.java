package com.example.orders.server.app;

import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

import com.example.orders.server.db.ReplicaLag;
import com.example.orders.server.db.Standby;

import io.helidon.metrics.api.FunctionalCounter;
import io.helidon.metrics.api.Gauge;
import io.helidon.metrics.api.MeterRegistry;
import io.helidon.metrics.api.Tag;

/**
 * The standby (db.replica-url), for its alerts: whether it takes reads (db.standby.takes.reads, 1 or
 * 0), how far its replay is behind the primary (db.standby.replay.lag.seconds and .bytes, NaN while
 * unknown) against the most it may be (db.standby.max.lag.seconds, db.replica-max-lag), and where
 * the reads it could have served went (db.standby.candidate.reads, by {@code served_by}); closing
 * what it returns removes them.
 */
final class StandbyMetrics {

    private StandbyMetrics() {
    }

    static RegisteredMeters register(Standby standby, Duration maxLag, MeterRegistry registry) {
        RegisteredMeters meters = new RegisteredMeters(registry);
        meters.add(Gauge.builder("db.standby.takes.reads", standby, s -> s.status().takesReads() ? 1 : 0)
                .description("1 while the standby takes reads; 0 while they all go to the primary "
                             + "(unreachable, too far behind, position unknown, or promoted)"));
        lag(meters, "db.standby.replay.lag.seconds", "How long ago the primary had the WAL the standby has not "
                + "replayed yet", standby, behind -> behind.time().toNanos() / 1e9);
        lag(meters, "db.standby.replay.lag.bytes", "WAL the standby has not replayed yet", standby,
            behind -> behind.bytes());
        meters.add(Gauge.builder("db.standby.max.lag.seconds", maxLag, lag -> lag.toNanos() / 1e9)
                .description("The replay lag beyond which the standby takes no reads (db.replica-max-lag)"));
        reads(meters, standby, "standby", Standby::readsServed);
        reads(meters, standby, "primary", Standby::readsSentToPrimary);
        return meters;
    }

    private static void lag(RegisteredMeters meters, String name, String description, Standby standby,
                            ToDoubleFunction<ReplicaLag.Behind> value) {
        meters.add(Gauge.builder(name, standby, s -> {
            ReplicaLag.Behind behind = s.status().behind();
            return behind == null ? Double.NaN : value.applyAsDouble(behind);
        }).description(description));
    }

    private static void reads(RegisteredMeters meters, Standby standby, String servedBy, Function<Standby, Long> count) {
        meters.add(FunctionalCounter.builder("db.standby.candidate.reads", standby, count)
                .description("Reads that could go to the standby, by where they ran")
                .tags(List.of(Tag.create("served_by", servedBy))));
    }
}
