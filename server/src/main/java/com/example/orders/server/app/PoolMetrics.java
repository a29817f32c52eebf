package com.example.orders.server.app;

import java.util.List;
import java.util.function.ToIntFunction;

import com.example.orders.server.db.ConnectionPool;
import com.zaxxer.hikari.HikariPoolMXBean;

import io.helidon.metrics.api.Gauge;
import io.helidon.metrics.api.MeterRegistry;
import io.helidon.metrics.api.Tag;

/**
 * Gauges of a connection pool's usage, db.pool.connections.* with the label {@code pool} (primary, or
 * replica for the standby's); closing what it returns removes them.
 */
final class PoolMetrics {

    private PoolMetrics() {
    }

    static RegisteredMeters register(ConnectionPool pool, String name, MeterRegistry registry) {
        HikariPoolMXBean usage = pool.usage();
        List<Tag> tags = List.of(Tag.create("pool", name));
        RegisteredMeters meters = new RegisteredMeters(registry);
        gauge(meters, "db.pool.connections.active", "Connections in use", tags, usage,
              HikariPoolMXBean::getActiveConnections);
        gauge(meters, "db.pool.connections.idle", "Connections idle in the pool", tags, usage,
              HikariPoolMXBean::getIdleConnections);
        // Not ".total": Prometheus reserves the _total suffix for counters.
        gauge(meters, "db.pool.connections.open", "Connections open", tags, usage,
              HikariPoolMXBean::getTotalConnections);
        gauge(meters, "db.pool.connections.pending", "Calls waiting for a connection", tags, usage,
              HikariPoolMXBean::getThreadsAwaitingConnection);
        return meters;
    }

    private static void gauge(RegisteredMeters meters, String name, String description, List<Tag> tags,
                              HikariPoolMXBean usage, ToIntFunction<HikariPoolMXBean> value) {
        meters.add(Gauge.builder(name, usage, bean -> value.applyAsInt(bean)).description(description).tags(tags));
    }
}
