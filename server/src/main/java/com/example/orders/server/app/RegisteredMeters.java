package com.example.orders.server.app;

import java.util.ArrayList;
import java.util.List;

import io.helidon.metrics.api.Meter;
import io.helidon.metrics.api.MeterRegistry;
import io.helidon.metrics.api.Tag;

/**
 * Meters a part of the server registers in the process's registry, removed when it stops. A meter
 * already there, registered by another server of the same JVM (tests run several at once), is used
 * and left in place: removing it would take it from the server that made it.
 */
final class RegisteredMeters implements AutoCloseable {

    private final MeterRegistry registry;
    private final List<Meter> made = new ArrayList<>();

    RegisteredMeters(MeterRegistry registry) {
        this.registry = registry;
    }

    <B extends Meter.Builder<B, M>, M extends Meter> M add(B builder) {
        List<Tag> tags = builder.tags().entrySet().stream().map(tag -> Tag.create(tag.getKey(), tag.getValue())).toList();
        boolean found = registry.meter(Meter.class, builder.name(), tags).isPresent();
        M meter = registry.getOrCreate(builder);
        if (!found) {
            made.add(meter);
        }
        return meter;
    }

    @Override
    public void close() {
        made.forEach(registry::remove);
        made.clear();
    }
}
