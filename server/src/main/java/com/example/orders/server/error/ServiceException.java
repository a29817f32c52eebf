package com.example.orders.server.error;

/**
 * A failure the caller can act on, one subclass per kind. The message is sent to the client as is,
 * so it names the field or entity at fault and never holds internals; the gRPC layer gives each kind
 * its status code (grpc/ErrorStatus).
 */
public abstract sealed class ServiceException extends RuntimeException
        permits InvalidArgumentException, NotFoundException, AlreadyExistsException, FailedPreconditionException,
                ResourceExhaustedException, OutOfRangeException {

    ServiceException(String message) {
        super(message, null, false, false);
    }
}
