package com.example.orders.server.app;

import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

import com.example.orders.server.db.ReplicaLag;
import com.example.orders.server.db.Standby;

import io.helidon.metrics.api.FunctionalCounter;
import io.helidon.metrics.api.Gauge;
import io.helidon.metrics.api.Meter;
import io.helidon.metrics.api.MeterRegistry;
import io.helidon.metrics.api.Tag;

/**
 * The standby (db.replica-url), for its alerts: whether it takes reads (db.standby.takes.reads, 1 or
 * 0), how far its replay is behind the primary (db.standby.replay.lag.seconds and .bytes, NaN while
 * unknown) against the most it may be (db.standby.max.lag.seconds, db.replica-max-lag), and where
 * the reads it could have served went (db.standby.candidate.reads, by {@code served_by}); closing
 * removes them.
 */
final class StandbyMetrics implements AutoCloseable {

    private final MeterRegistry registry;
    private final List<Meter> meters;

    private StandbyMetrics(MeterRegistry registry, List<Meter> meters) {
        this.registry = registry;
        this.meters = meters;
    }

    static StandbyMetrics register(Standby standby, Duration maxLag, MeterRegistry registry) {
        return new StandbyMetrics(registry, List.of(
                registry.getOrCreate(Gauge.builder("db.standby.takes.reads", standby,
                                                   s -> s.status().takesReads() ? 1 : 0)
                        .description("1 while the standby takes reads; 0 while they all go to the primary "
                                     + "(unreachable, too far behind, position unknown, or promoted)")),
                lag(registry, "db.standby.replay.lag.seconds", "How long ago the primary had the WAL the standby "
                        + "has not replayed yet", standby, behind -> behind.time().toNanos() / 1e9),
                lag(registry, "db.standby.replay.lag.bytes", "WAL the standby has not replayed yet", standby,
                    behind -> behind.bytes()),
                registry.getOrCreate(Gauge.builder("db.standby.max.lag.seconds", maxLag, lag -> lag.toNanos() / 1e9)
                        .description("The replay lag beyond which the standby takes no reads (db.replica-max-lag)")),
                reads(registry, standby, "standby", Standby::readsServed),
                reads(registry, standby, "primary", Standby::readsSentToPrimary)));
    }

    private static Meter lag(MeterRegistry registry, String name, String description, Standby standby,
                             ToDoubleFunction<ReplicaLag.Behind> value) {
        return registry.getOrCreate(Gauge.builder(name, standby, s -> {
            ReplicaLag.Behind behind = s.status().behind();
            return behind == null ? Double.NaN : value.applyAsDouble(behind);
        }).description(description));
    }

    private static Meter reads(MeterRegistry registry, Standby standby, String servedBy,
                               Function<Standby, Long> count) {
        return registry.getOrCreate(FunctionalCounter.builder("db.standby.candidate.reads", standby, count)
                .description("Reads that could go to the standby, by where they ran")
                .tags(List.of(Tag.create("served_by", servedBy))));
    }

    @Override
    public void close() {
        meters.forEach(registry::remove);
    }
}
