package com.example.orders.server;

import static com.example.orders.server.ServiceFixture.line;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.Statement;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import com.example.orders.v1.CreateOrderRequest;
import com.example.orders.v1.Customer;
import com.example.orders.v1.Order;
import com.example.orders.v1.Product;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A transaction that PostgreSQL aborts to break a deadlock is run again in a fresh transaction, and
 * the client only sees the order.
 */
class DeadlockRetryTest {

    @RegisterExtension
    static final ServiceFixture service = new ServiceFixture();

    @Test
    void aCreateOrderChosenAsDeadlockVictimIsRetriedAndSucceeds() throws Exception {
        Customer customer = service.customer();
        Product first = service.product(100, 10);
        Product second = service.product(100, 10);
        long statementsBefore = service.server().statementsExecuted();

        CompletableFuture<Order> order;
        try (Connection rival = service.connectToSchema(); Statement statement = rival.createStatement()) {
            rival.setAutoCommit(false);
            // The rival takes the second product; the order locks the first, then waits for the second.
            statement.execute("SELECT * FROM products WHERE id = " + second.getId() + " FOR UPDATE");
            order = CompletableFuture.supplyAsync(() -> service.stub().createOrder(CreateOrderRequest.newBuilder()
                    .setCustomerId(customer.getId())
                    .setRequestId("deadlock-victim")
                    .addLines(line(first.getId(), 1))
                    .addLines(line(second.getId(), 1))
                    .build()));
            service.awaitServiceSessions("wait_event_type = 'Lock'", 1);
            // Now the rival asks for the first product: a cycle. The order waited longer, so PostgreSQL's
            // deadlock check (after deadlock_timeout) fires in its session first and aborts it.
            statement.execute("SELECT * FROM products WHERE id = " + first.getId() + " FOR UPDATE");
            rival.rollback();
        }

        Order placed = order.get(30, TimeUnit.SECONDS);
        assertEquals(2, placed.getLinesCount());
        assertEquals(9, service.queryLong("SELECT stock FROM products WHERE id = " + first.getId()));
        assertEquals(9, service.queryLong("SELECT stock FROM products WHERE id = " + second.getId()));
        assertTrue(service.server().statementsExecuted() - statementsBefore > 4,
                   "the aborted attempt's statements plus a full second attempt");
    }
}
