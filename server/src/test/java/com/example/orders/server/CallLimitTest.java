package com.example.orders.server;

import static com.example.orders.server.GrpcAssertions.assertStatus;
import static com.example.orders.server.ServiceFixture.line;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import com.example.orders.v1.CreateOrderRequest;
import com.example.orders.v1.Customer;
import com.example.orders.v1.GetCustomerRequest;
import com.example.orders.v1.Order;
import com.example.orders.v1.Product;

import io.grpc.Status.Code;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Calls beyond service.max-concurrent-calls are refused at once instead of piling up. */
class CallLimitTest {

    @RegisterExtension
    static final ServiceFixture service = new ServiceFixture(Map.of("service.max-concurrent-calls", "2"));

    @Test
    void aCallBeyondTheLimitGetsResourceExhaustedAndTheOthersFinish() throws Exception {
        Customer customer = service.customer();
        Product product = service.product(100, 10);
        List<CompletableFuture<Order>> blocked;
        try (ExecutorService callers = Executors.newFixedThreadPool(2);
             Connection blocker = service.connectToSchema();
             Statement lock = blocker.createStatement()) {
            blocker.setAutoCommit(false);
            lock.execute("SELECT * FROM products WHERE id = " + product.getId() + " FOR UPDATE");
            blocked = IntStream.range(0, 2).mapToObj(i -> CompletableFuture.supplyAsync(
                    () -> service.stub().createOrder(CreateOrderRequest.newBuilder()
                            .setCustomerId(customer.getId())
                            .setRequestId("blocked-" + i)
                            .addLines(line(product.getId(), 1))
                            .build()), callers)).toList();
            awaitTwoWaiting();

            assertStatus(Code.RESOURCE_EXHAUSTED, "more than 2 calls in flight", () -> service.stub()
                    .getCustomer(GetCustomerRequest.newBuilder().setId(customer.getId()).build()));
            blocker.rollback();
            for (CompletableFuture<Order> order : blocked) {
                assertEquals(1, order.get(30, TimeUnit.SECONDS).getLinesCount());
            }
        }
        assertEquals(customer.getId(), service.stub()
                .getCustomer(GetCustomerRequest.newBuilder().setId(customer.getId()).build()).getId());
    }

    private static void awaitTwoWaiting() throws Exception {
        for (int attempt = 0; attempt < 100; attempt++) {
            if (service.queryLong("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'order-service'"
                                  + " AND wait_event_type = 'Lock'") == 2) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the two orders never waited for the lock");
    }
}
