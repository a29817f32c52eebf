package com.example.orders.server.error;

import io.grpc.Status;

/** The request is valid but the current state forbids it: too little stock, an illegal status change. */
public final class FailedPreconditionException extends ServiceException {

    public FailedPreconditionException(String message) {
        super(message);
    }

    @Override
    Status.Code code() {
        return Status.Code.FAILED_PRECONDITION;
    }
}
