package com.example.orders.server.app;

import com.example.orders.server.grpc.CallGate;

import io.helidon.metrics.api.Gauge;
import io.helidon.metrics.api.MeterRegistry;

/**
 * How full the call gate is: the OrderService calls in flight (service.calls.in.flight; watches are
 * not counted) and how many it admits at once (service.max.concurrent.calls, the setting
 * service.max-concurrent-calls), so that an alert can fire before calls get RESOURCE_EXHAUSTED;
 * closing what it returns removes them.
 */
final class CallGateMetrics {

    private CallGateMetrics() {
    }

    static RegisteredMeters register(CallGate gate, int maxConcurrentCalls, MeterRegistry registry) {
        RegisteredMeters meters = new RegisteredMeters(registry);
        meters.add(Gauge.builder("service.calls.in.flight", gate, CallGate::inFlight)
                .description("OrderService calls in flight, watches aside"));
        meters.add(Gauge.builder("service.max.concurrent.calls", () -> maxConcurrentCalls)
                .description("OrderService calls in flight beyond which calls get RESOURCE_EXHAUSTED "
                             + "(service.max-concurrent-calls)"));
        return meters;
    }
}
