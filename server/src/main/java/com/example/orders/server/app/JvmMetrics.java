package com.example.orders.server.app;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import io.helidon.metrics.api.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmInfoMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;

/**
 * The JVM's and the process's metrics, under the names Micrometer gives them (jvm_memory_used_bytes,
 * jvm_gc_pause_seconds, jvm_threads_live_threads, process_cpu_usage, process_files_open_files,
 * process_uptime_seconds...), which the common JVM dashboards read. Helidon's own system meters
 * (helidon-metrics-system-meters) are not used: their camelCase names and gauges ending in _count
 * fail Prometheus's linter, and they have no process CPU or file descriptors. Bound once per
 * process, to the Micrometer registry under Helidon's: the JVM is the same for every server in it.
 */
final class JvmMetrics {

    private static final AtomicBoolean BOUND = new AtomicBoolean();

    private JvmMetrics() {
    }

    static void bindOnce(MeterRegistry meters) {
        if (!BOUND.compareAndSet(false, true)) {
            return;
        }
        io.micrometer.core.instrument.MeterRegistry registry =
                meters.unwrap(io.micrometer.core.instrument.MeterRegistry.class);
        List<MeterBinder> binders = List.of(new JvmMemoryMetrics(), new JvmGcMetrics(), new JvmThreadMetrics(),
                                            new ClassLoaderMetrics(), new JvmInfoMetrics(), new ProcessorMetrics(),
                                            new FileDescriptorMetrics(), new UptimeMetrics());
        binders.forEach(binder -> binder.bindTo(registry));
        // Two of ProcessorMetrics' names fail Prometheus's linter (process_cpu_time_ns_total, an
        // abbreviated unit; system_cpu_count, a gauge ending in _count); process_cpu_usage and
        // system_cpu_usage stay.
        for (String failsLint : List.of("process.cpu.time", "system.cpu.count")) {
            registry.find(failsLint).meters().forEach(registry::remove);
        }
    }
}
