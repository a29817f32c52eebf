package com.example.orders.server.error;

import io.grpc.Status;

/**
 * A failure the caller can act on. Each subclass stands for one gRPC status code; the message is
 * sent to the client as is, so it names the field or entity at fault and never holds internals.
 */
public abstract sealed class ServiceException extends RuntimeException
        permits InvalidArgumentException, NotFoundException, AlreadyExistsException, FailedPreconditionException,
                ResourceExhaustedException, OutOfRangeException {

    ServiceException(String message) {
        super(message, null, false, false);
    }

    abstract Status.Code code();
}
