package com.example.orders.server;

import static com.example.orders.server.ServiceFixture.line;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import com.example.orders.v1.CreateOrderRequest;
import com.example.orders.v1.Customer;
import com.example.orders.v1.Product;

import io.grpc.Status.Code;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A client's deadline reaches the database: a statement still running when it expires is cancelled
 * by PostgreSQL, its transaction rolls back and the connection goes back to the pool clean.
 */
class DeadlineTest {

    @RegisterExtension
    static final ServiceFixture service = new ServiceFixture();

    @Test
    void aCallBlockedInTheDatabaseStopsThereAtItsDeadline() throws Exception {
        Customer customer = service.customer();
        Product product = service.product(100, 10);
        CreateOrderRequest request = CreateOrderRequest.newBuilder()
                .setCustomerId(customer.getId())
                .setRequestId("blocked")
                .addLines(line(product.getId(), 1))
                .build();

        try (Connection blocker = service.connectToSchema(); Statement lock = blocker.createStatement()) {
            blocker.setAutoCommit(false);
            lock.execute("SELECT * FROM products WHERE id = " + product.getId() + " FOR UPDATE");

            GrpcAssertions.assertStatus(Code.DEADLINE_EXCEEDED, "",
                    () -> service.stub().withDeadlineAfter(1, TimeUnit.SECONDS).createOrder(request));

            // The lock is still held, yet soon no service session waits for it any more: the statement
            // was cancelled at the deadline, not left to wait for the lock. Within 5 s, not 1: the
            // cancel goes through a new virtual thread, a new connection to PostgreSQL and the call's
            // rollback, which took over a second now and then on a machine loaded by several builds.
            service.awaitServiceSessions("wait_event_type = 'Lock' OR state LIKE 'idle in transaction%'", 0,
                                         Duration.ofSeconds(5));
            blocker.rollback();
        }

        assertEquals(10, service.queryLong("SELECT stock FROM products WHERE id = " + product.getId()));
        assertEquals(0, service.queryLong("SELECT count(*) FROM orders WHERE customer_id = " + customer.getId()));
        assertEquals(1, service.stub().createOrder(request).getLinesCount(), "the pool still serves calls");
    }
}
