package com.example.orders.server.error;

import io.grpc.Status;

/** The entity to create clashes with an existing one (email, SKU). */
public final class AlreadyExistsException extends ServiceException {

    public AlreadyExistsException(String message) {
        super(message);
    }

    @Override
    Status.Code code() {
        return Status.Code.ALREADY_EXISTS;
    }
}
