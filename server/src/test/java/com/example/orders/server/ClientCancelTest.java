package com.example.orders.server;

import static com.example.orders.server.ServiceFixture.line;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.sql.Connection;
import java.sql.Statement;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import com.example.orders.v1.CreateOrderRequest;
import com.example.orders.v1.Customer;
import com.example.orders.v1.Order;
import com.example.orders.v1.OrderServiceGrpc;
import com.example.orders.v1.Product;

import io.grpc.Context;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A client that gives up mid-call leaves no transaction open behind it. Helidon 4.1.7 does not tell
 * a gRPC handler that its client cancelled (it drops the RST_STREAM), so the call runs on to its end
 * (or to its deadline, see DeadlineTest) and its transaction commits or rolls back as usual; a retry
 * with the same request_id then returns that order.
 */
class ClientCancelTest {

    @RegisterExtension
    static final ServiceFixture service = new ServiceFixture();

    @Test
    void aCancelledCallBlockedInTheDatabaseEndsItsTransactionWhenItCanGoOn() throws Exception {
        Customer customer = service.customer();
        Product product = service.product(100, 10);
        try (Connection blocker = service.connectToSchema(); Statement lock = blocker.createStatement()) {
            blocker.setAutoCommit(false);
            lock.execute("SELECT * FROM products WHERE id = " + product.getId() + " FOR UPDATE");

            Context.CancellableContext clientContext = Context.current().withCancellation();
            CompletableFuture<Order> call = CompletableFuture.supplyAsync(() -> {
                Context previous = clientContext.attach(); // the call belongs to the context the client cancels
                try {
                    return OrderServiceGrpc.newBlockingStub(service.channel()).createOrder(CreateOrderRequest.newBuilder()
                            .setCustomerId(customer.getId())
                            .setRequestId("abandoned")
                            .addLines(line(product.getId(), 1))
                            .build());
                } finally {
                    clientContext.detach(previous);
                }
            });
            service.awaitServiceSessions("wait_event_type = 'Lock'", 1);
            clientContext.cancel(null);

            ExecutionException failure = assertThrows(ExecutionException.class, () -> call.get(10, TimeUnit.SECONDS));
            assertEquals(Status.Code.CANCELLED, ((StatusRuntimeException) failure.getCause()).getStatus().getCode());
            blocker.rollback();
        }
        service.awaitServiceSessions("wait_event_type = 'Lock' OR state LIKE 'idle in transaction%'", 0);
        assertEquals(service.queryLong("SELECT count(*) FROM orders WHERE customer_id = " + customer.getId()),
                     service.queryLong("SELECT count(DISTINCT l.order_id) FROM order_lines l JOIN orders o"
                                       + " ON o.id = l.order_id WHERE o.customer_id = " + customer.getId()),
                     "the abandoned order is whole or absent");
        assertEquals(1, service.order(customer, product).getLinesCount(), "the service goes on serving");
    }
}
