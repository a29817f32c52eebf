package com.example.orders.server.app;

import java.util.List;
import java.util.function.ToIntFunction;

import com.example.orders.server.db.ConnectionPool;
import com.zaxxer.hikari.HikariPoolMXBean;

import io.helidon.metrics.api.Gauge;
import io.helidon.metrics.api.Meter;
import io.helidon.metrics.api.MeterRegistry;

/** Gauges of a connection pool's usage, named PREFIX.connections.*; closing removes them. */
final class PoolMetrics implements AutoCloseable {

    private final MeterRegistry registry;
    private final List<Meter> gauges;

    private PoolMetrics(MeterRegistry registry, List<Meter> gauges) {
        this.registry = registry;
        this.gauges = gauges;
    }

    static PoolMetrics register(ConnectionPool pool, String prefix, MeterRegistry registry) {
        HikariPoolMXBean usage = pool.usage();
        return new PoolMetrics(registry, List.of(
                gauge(registry, prefix + ".connections.active", "Connections in use", usage,
                      HikariPoolMXBean::getActiveConnections),
                gauge(registry, prefix + ".connections.idle", "Connections idle in the pool", usage,
                      HikariPoolMXBean::getIdleConnections),
                // Not ".total": Prometheus reserves the _total suffix for counters.
                gauge(registry, prefix + ".connections.open", "Connections open", usage,
                      HikariPoolMXBean::getTotalConnections),
                gauge(registry, prefix + ".connections.pending", "Calls waiting for a connection", usage,
                      HikariPoolMXBean::getThreadsAwaitingConnection)));
    }

    private static Meter gauge(MeterRegistry registry, String name, String description, HikariPoolMXBean usage,
                               ToIntFunction<HikariPoolMXBean> value) {
        return registry.getOrCreate(Gauge.builder(name, usage, bean -> value.applyAsInt(bean)).description(description));
    }

    @Override
    public void close() {
        gauges.forEach(registry::remove);
    }
}
