package com.example.orders.server.error;

/** The entity to create clashes with an existing one (email, SKU). */
public final class AlreadyExistsException extends ServiceException {

    public AlreadyExistsException(String message) {
        super(message);
    }
}
