package com.example.orders.server.app;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;

/** What the service has started so far, stopped in reverse order: on close, or when a start fails halfway. */
final class Resources implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(Resources.class.getName());

    private final List<AutoCloseable> started = new ArrayList<>();

    /** {@code resource}, to be closed with the rest. */
    <T extends AutoCloseable> T add(T resource) {
        started.add(resource);
        return resource;
    }

    /** Closes each, the last started first; one that fails is logged, and the rest still close. */
    @Override
    public void close() {
        for (AutoCloseable resource : started.reversed()) {
            try {
                resource.close();
            } catch (Exception e) {
                LOG.log(Level.WARNING, "Could not stop " + resource, e);
            }
        }
        started.clear();
    }
}
