package com.example.orders.server.error;

import io.grpc.Status;

/** The request goes over a limit that protects the server, such as the maximum request size. */
public final class ResourceExhaustedException extends ServiceException {

    public ResourceExhaustedException(String message) {
        super(message);
    }

    @Override
    Status.Code code() {
        return Status.Code.RESOURCE_EXHAUSTED;
    }
}
