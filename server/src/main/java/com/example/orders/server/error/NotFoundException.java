package com.example.orders.server.error;

/** The request names a customer, product or order that does not exist. */
public final class NotFoundException extends ServiceException {

    public NotFoundException(String message) {
        super(message);
    }
}
