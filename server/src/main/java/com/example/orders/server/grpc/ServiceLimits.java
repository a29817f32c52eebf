package com.example.orders.server.grpc;

/** The configurable limits that protect the server (service.* in application.yaml). */
public record ServiceLimits(int maxConcurrentCalls,
                            int maxConcurrentExports,
                            int maxLinesPerOrder,
                            int maxPageSize) {

    public ServiceLimits {
        if (maxConcurrentCalls < 1 || maxConcurrentExports < 1 || maxLinesPerOrder < 1
                || maxPageSize < 1) {
            throw new IllegalArgumentException("service limits must be positive: " + this);
        }
    }
}
