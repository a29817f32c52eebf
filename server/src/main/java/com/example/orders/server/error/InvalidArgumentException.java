package com.example.orders.server.error;

/** The request itself is wrong: a field is missing, malformed or out of range. */
public final class InvalidArgumentException extends ServiceException {

    public InvalidArgumentException(String message) {
        super(message);
    }
}
