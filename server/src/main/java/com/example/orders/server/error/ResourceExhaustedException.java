package com.example.orders.server.error;

/** The request goes over a limit that protects the server, such as the maximum request size. */
public final class ResourceExhaustedException extends ServiceException {

    public ResourceExhaustedException(String message) {
        super(message);
    }
}
