package com.example.orders.server.app;

import java.util.List;

import com.example.orders.server.grpc.CallGate;

import io.helidon.metrics.api.Gauge;
import io.helidon.metrics.api.Meter;
import io.helidon.metrics.api.MeterRegistry;

/**
 * How full the call gate is: the OrderService calls in flight (service.calls.in.flight; watches are
 * not counted) and how many it admits at once (service.max.concurrent.calls, the setting
 * service.max-concurrent-calls), so that an alert can fire before calls get RESOURCE_EXHAUSTED;
 * closing removes them.
 */
final class CallGateMetrics implements AutoCloseable {

    private final MeterRegistry registry;
    private final List<Meter> gauges;

    private CallGateMetrics(MeterRegistry registry, List<Meter> gauges) {
        this.registry = registry;
        this.gauges = gauges;
    }

    static CallGateMetrics register(CallGate gate, int maxConcurrentCalls, MeterRegistry registry) {
        return new CallGateMetrics(registry, List.of(
                registry.getOrCreate(Gauge.builder("service.calls.in.flight", gate, CallGate::inFlight)
                        .description("OrderService calls in flight, watches aside")),
                registry.getOrCreate(Gauge.builder("service.max.concurrent.calls", () -> maxConcurrentCalls)
                        .description("OrderService calls in flight beyond which calls get RESOURCE_EXHAUSTED "
                                     + "(service.max-concurrent-calls)"))));
    }

    @Override
    public void close() {
        gauges.forEach(registry::remove);
    }
}
