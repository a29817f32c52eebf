package com.example.orders.server.error;

/** The request is valid but the current state forbids it: too little stock, an illegal status change. */
public final class FailedPreconditionException extends ServiceException {

    public FailedPreconditionException(String message) {
        super(message);
    }
}
