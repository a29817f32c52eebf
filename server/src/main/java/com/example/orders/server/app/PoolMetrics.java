package com.example.orders.server.app;

import java.util.List;
import java.util.function.ToIntFunction;

import com.example.orders.server.db.ConnectionPool;
import com.zaxxer.hikari.HikariPoolMXBean;

import io.helidon.metrics.api.Gauge;
import io.helidon.metrics.api.Meter;
import io.helidon.metrics.api.MeterRegistry;
import io.helidon.metrics.api.Tag;

/**
 * Gauges of a connection pool's usage, db.pool.connections.* with the label {@code pool} (primary, or
 * replica for the standby's); closing removes them.
 */
final class PoolMetrics implements AutoCloseable {

    private final MeterRegistry registry;
    private final List<Meter> gauges;

    private PoolMetrics(MeterRegistry registry, List<Meter> gauges) {
        this.registry = registry;
        this.gauges = gauges;
    }

    static PoolMetrics register(ConnectionPool pool, String name, MeterRegistry registry) {
        HikariPoolMXBean usage = pool.usage();
        List<Tag> tags = List.of(Tag.create("pool", name));
        return new PoolMetrics(registry, List.of(
                gauge(registry, "db.pool.connections.active", "Connections in use", tags, usage,
                      HikariPoolMXBean::getActiveConnections),
                gauge(registry, "db.pool.connections.idle", "Connections idle in the pool", tags, usage,
                      HikariPoolMXBean::getIdleConnections),
                // Not ".total": Prometheus reserves the _total suffix for counters.
                gauge(registry, "db.pool.connections.open", "Connections open", tags, usage,
                      HikariPoolMXBean::getTotalConnections),
                gauge(registry, "db.pool.connections.pending", "Calls waiting for a connection", tags, usage,
                      HikariPoolMXBean::getThreadsAwaitingConnection)));
    }

    private static Meter gauge(MeterRegistry registry, String name, String description, List<Tag> tags,
                               HikariPoolMXBean usage, ToIntFunction<HikariPoolMXBean> value) {
        return registry.getOrCreate(Gauge.builder(name, usage, bean -> value.applyAsInt(bean))
                                            .description(description).tags(tags));
    }

    @Override
    public void close() {
        gauges.forEach(registry::remove);
    }
}
