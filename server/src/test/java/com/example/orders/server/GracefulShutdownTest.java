package com.example.orders.server;

import static com.example.orders.server.ServiceFixture.line;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import com.example.orders.v1.CreateCustomerRequest;
import com.example.orders.v1.CreateOrderRequest;
import com.example.orders.v1.CreateProductRequest;
import com.example.orders.v1.Customer;
import com.example.orders.v1.GetCustomerRequest;
import com.example.orders.v1.Order;
import com.example.orders.v1.OrderServiceGrpc;
import com.example.orders.v1.OrderServiceGrpc.OrderServiceBlockingStub;
import com.example.orders.v1.Product;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * SIGTERM: health turns NOT_SERVING, new calls are refused, the call in flight finishes, the pool
 * closes, the log is written to its last line, the exit status is 0.
 */
class GracefulShutdownTest {

    @RegisterExtension
    static final ServiceFixture service = new ServiceFixture();

    private static final String APPLICATION_NAME = "order-service-shutdown-test";

    @Test
    void sigtermLetsTheCallInFlightFinishThenExitsCleanly() throws Exception {
        try (ServerProcess server = ServerProcess.start(Map.of(
                "db.url", service.schemaUrl(),
                "db.pool.dataSource.ApplicationName", APPLICATION_NAME,
                "service.shutdown-grace-period", "PT20S"), ServerProcess.withAccessLog())) {
            ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
            try {
                OrderServiceBlockingStub stub = OrderServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
                Customer customer = stub.createCustomer(CreateCustomerRequest.newBuilder()
                        .setEmail("shutdown@example.com").setName("Shut Down").build());
                Product product = stub.createProduct(CreateProductRequest.newBuilder()
                        .setSku("SHUTDOWN-1").setName("Last call").setPriceCents(100).setStock(5).build());

                CompletableFuture<Order> inFlight;
                try (Connection blocker = service.connectToSchema(); Statement lock = blocker.createStatement()) {
                    blocker.setAutoCommit(false);
                    lock.execute("SELECT * FROM products WHERE id = " + product.getId() + " FOR UPDATE");
                    inFlight = CompletableFuture.supplyAsync(() -> stub.createOrder(CreateOrderRequest.newBuilder()
                            .setCustomerId(customer.getId())
                            .setRequestId("in-flight")
                            .addLines(line(product.getId(), 2))
                            .build()));
                    service.awaitSessions(APPLICATION_NAME, "wait_event_type = 'Lock'", 1);

                    server.process().destroy(); // SIGTERM
                    assertEquals(Status.Code.UNAVAILABLE, untilRefused(stub, customer),
                                 "a call made while draining is refused");
                    assertEquals(ServingStatus.NOT_SERVING, HealthGrpc.newBlockingStub(channel)
                            .withDeadlineAfter(10, TimeUnit.SECONDS)
                            .check(HealthCheckRequest.getDefaultInstance()).getStatus());
                    blocker.rollback(); // lets the call in flight go on
                }

                assertEquals(2, inFlight.get(30, TimeUnit.SECONDS).getLines(0).getQuantity());
                assertTrue(server.process().waitFor(30, TimeUnit.SECONDS), server.output());
                assertEquals(0, server.process().exitValue(), server.output());
                assertTrue(server.output().contains("Order service stopped"), "the stop ran to its end:\n" + server.output());
                assertTrue(server.output().matches("(?s).*\\[orders.access] CreateOrder OK [0-9.]+ ms, 4 statements\n.*"),
                           "the last call's access line, written by the log's own thread, is out before the exit:\n"
                           + server.output());
                assertEquals(3, service.queryLong("SELECT stock FROM products WHERE id = " + product.getId()));
                service.awaitSessions(APPLICATION_NAME, "true", 0);
            } finally {
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        }
    }

    /** Calls GetCustomer until the server refuses it, and returns the refusal's code. */
    private static Status.Code untilRefused(OrderServiceBlockingStub stub, Customer customer) throws InterruptedException {
        for (int attempt = 0; attempt < 100; attempt++) {
            try {
                stub.getCustomer(GetCustomerRequest.newBuilder().setId(customer.getId()).build());
            } catch (StatusRuntimeException e) {
                return e.getStatus().getCode();
            }
            Thread.sleep(50);
        }
        return Status.Code.OK;
    }
}
