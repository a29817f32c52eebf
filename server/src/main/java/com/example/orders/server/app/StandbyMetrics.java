package com.example.orders.server.app;

import java.util.List;
import java.util.function.ToDoubleFunction;

import com.example.orders.server.db.ReplicaLag;
import com.example.orders.server.db.Standby;

import io.helidon.metrics.api.FunctionalCounter;
import io.helidon.metrics.api.Gauge;
import io.helidon.metrics.api.Meter;
import io.helidon.metrics.api.MeterRegistry;
import io.helidon.metrics.api.Tag;

/**
 * How far the standby is behind the primary (db.replica.lag.seconds and .bytes, NaN while unknown),
 * and where the reads it could have served went (db.replica.reads, by {@code served_by}); closing
 * removes them.
 */
final class StandbyMetrics implements AutoCloseable {

    private final MeterRegistry registry;
    private final List<Meter> meters;

    private StandbyMetrics(MeterRegistry registry, List<Meter> meters) {
        this.registry = registry;
        this.meters = meters;
    }

    static StandbyMetrics register(Standby standby, MeterRegistry registry) {
        return new StandbyMetrics(registry, List.of(
                lag(registry, "db.replica.lag.seconds", "How long ago the primary had the WAL the standby has not "
                        + "replayed yet", standby, behind -> behind.time().toNanos() / 1e9),
                lag(registry, "db.replica.lag.bytes", "WAL the standby has not replayed yet", standby,
                    behind -> behind.bytes()),
                registry.getOrCreate(FunctionalCounter.builder("db.replica.reads", standby, Standby::readsServed)
                        .description("Reads that could go to the standby, by where they ran")
                        .tags(List.of(Tag.create("served_by", "standby")))),
                registry.getOrCreate(FunctionalCounter.builder("db.replica.reads", standby, Standby::readsSentToPrimary)
                        .description("Reads that could go to the standby, by where they ran")
                        .tags(List.of(Tag.create("served_by", "primary"))))));
    }

    private static Meter lag(MeterRegistry registry, String name, String description, Standby standby,
                             ToDoubleFunction<ReplicaLag.Behind> value) {
        return registry.getOrCreate(Gauge.builder(name, standby, s -> {
            ReplicaLag.Behind behind = s.status().behind();
            return behind == null ? Double.NaN : value.applyAsDouble(behind);
        }).description(description));
    }

    @Override
    public void close() {
        meters.forEach(registry::remove);
    }
}
