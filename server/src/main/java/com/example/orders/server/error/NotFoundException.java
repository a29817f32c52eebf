package com.example.orders.server.error;

import io.grpc.Status;

/** The request names a customer, product or order that does not exist. */
public final class NotFoundException extends ServiceException {

    public NotFoundException(String message) {
        super(message);
    }

    @Override
    Status.Code code() {
        return Status.Code.NOT_FOUND;
    }
}
