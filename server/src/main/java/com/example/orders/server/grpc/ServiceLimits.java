package com.example.orders.server.grpc;

/** The configurable limits that protect the server (service.* in application.yaml). */
public record ServiceLimits(int maxConcurrentCalls,
                            int maxConcurrentExports,
                            int maxLinesPerOrder,
                            int maxPageSize,
                            int maxConcurrentWatchers) {

    public ServiceLimits {
        // Not "this" in the message: in a compact constructor the fields are not assigned yet.
        if (maxConcurrentCalls < 1 || maxConcurrentExports < 1 || maxLinesPerOrder < 1 || maxPageSize < 1
                || maxConcurrentWatchers < 1) {
            throw new IllegalArgumentException("service limits must be positive: max-concurrent-calls "
                    + maxConcurrentCalls + ", max-concurrent-exports " + maxConcurrentExports
                    + ", max-lines-per-order " + maxLinesPerOrder + ", max-page-size " + maxPageSize
                    + ", max-concurrent-watchers " + maxConcurrentWatchers);
        }
    }
}
