package com.example.orders.server.error;

import io.grpc.Status;

/** A position outside what the server holds: events resumed after an id already pruned, or never given. */
public final class OutOfRangeException extends ServiceException {

    public OutOfRangeException(String message) {
        super(message);
    }

    @Override
    Status.Code code() {
        return Status.Code.OUT_OF_RANGE;
    }
}
