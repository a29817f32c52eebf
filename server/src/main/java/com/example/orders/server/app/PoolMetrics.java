package com.example.orders.server.app;

import java.util.List;
import java.util.function.ToIntFunction;

import com.example.orders.server.db.ConnectionPool;
import com.zaxxer.hikari.HikariPoolMXBean;

import io.helidon.metrics.api.Gauge;
import io.helidon.metrics.api.Meter;
import io.helidon.metrics.api.MeterRegistry;
import io.helidon.metrics.api.Metrics;

/** Gauges of the connection pool's usage; closing removes them. */
final class PoolMetrics implements AutoCloseable {

    private final List<Meter> gauges;

    private PoolMetrics(List<Meter> gauges) {
        this.gauges = gauges;
    }

    static PoolMetrics register(ConnectionPool pool) {
        HikariPoolMXBean usage = pool.usage();
        return new PoolMetrics(List.of(
                gauge("db.pool.connections.active", "Connections in use", usage, HikariPoolMXBean::getActiveConnections),
                gauge("db.pool.connections.idle", "Connections idle in the pool", usage, HikariPoolMXBean::getIdleConnections),
                gauge("db.pool.connections.total", "Connections open", usage, HikariPoolMXBean::getTotalConnections),
                gauge("db.pool.connections.pending", "Calls waiting for a connection", usage,
                      HikariPoolMXBean::getThreadsAwaitingConnection)));
    }

    private static Meter gauge(String name, String description, HikariPoolMXBean usage, ToIntFunction<HikariPoolMXBean> value) {
        return Metrics.globalRegistry().getOrCreate(
                Gauge.builder(name, usage, bean -> value.applyAsInt(bean)).description(description));
    }

    @Override
    public void close() {
        MeterRegistry registry = Metrics.globalRegistry();
        gauges.forEach(registry::remove);
    }
}
