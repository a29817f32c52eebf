package com.example.orders.server.error;

/** A position outside what the server holds: events resumed after an id already pruned, or never given. */
public final class OutOfRangeException extends ServiceException {

    public OutOfRangeException(String message) {
        super(message);
    }
}
