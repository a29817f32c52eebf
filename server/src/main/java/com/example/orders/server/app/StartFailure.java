package com.example.orders.server.app;

/**
 * The service cannot start for a reason its user can fix, which the message says in one line:
 * {@link Main} prints it without a stack trace, which would only hide it.
 */
public final class StartFailure extends RuntimeException {

    StartFailure(String message) {
        super(message);
    }
}
