package com.example.orders.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.junit.jupiter.api.function.Executable;

final class GrpcAssertions {

    private GrpcAssertions() {
    }

    /** The call fails with {@code code} and a description containing {@code messagePart}. */
    static Status assertStatus(Status.Code code, String messagePart, Executable call) {
        Status status = assertThrows(StatusRuntimeException.class, call).getStatus();
        assertEquals(code, status.getCode(), () -> "status " + status);
        assertTrue(status.getDescription() != null && status.getDescription().contains(messagePart),
                () -> "description \"" + status.getDescription() + "\" should contain \"" + messagePart + "\"");
        return status;
    }
}
