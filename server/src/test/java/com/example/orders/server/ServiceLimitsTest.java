package com.example.orders.server;

import static com.example.orders.server.GrpcAssertions.assertStatus;
import static com.example.orders.server.ServiceFixture.line;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import com.example.orders.server.grpc.ServiceLimits;
import com.example.orders.v1.CreateOrderRequest;
import com.example.orders.v1.Customer;
import com.example.orders.v1.GetCustomerRequest;
import com.example.orders.v1.ListProductsRequest;
import com.example.orders.v1.Order;
import com.example.orders.v1.OrderServiceGrpc;
import com.example.orders.v1.Product;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnknownFieldSet;

import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.Status.Code;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The service.* limits and the request size are configurable and enforced; calls beyond the concurrency limit are refused at once. */
class ServiceLimitsTest {

    @RegisterExtension
    static final ServiceFixture service = new ServiceFixture(Map.of(
            "service.max-concurrent-calls", "2",
            "service.max-lines-per-order", "3",
            "service.max-page-size", "5",
            "server.protocols.grpc.max-read-buffer-size", "20000")); // Helidon enforces no less than 16 KiB

    @Test
    void aLimitBelowOneIsRefusedNamingTheValues() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new ServiceLimits(200, 0, 100, 100, 100));
        assertEquals("service limits must be positive: max-concurrent-calls 200, max-concurrent-exports 0, "
                     + "max-lines-per-order 100, max-page-size 100, max-concurrent-watchers 100", e.getMessage());
    }

    @Test
    void configuredSizeLimitsApply() {
        Customer customer = service.customer();
        CreateOrderRequest.Builder fourLines = CreateOrderRequest.newBuilder()
                .setCustomerId(customer.getId()).setRequestId("four-lines");
        IntStream.rangeClosed(1, 4).forEach(i -> fourLines.addLines(line(i, 1)));

        assertStatus(Code.INVALID_ARGUMENT, "lines must hold at most 3 lines, got 4",
                () -> service.stub().createOrder(fourLines.build()));
        assertStatus(Code.INVALID_ARGUMENT, "page_size must be between 1 and 5",
                () -> service.stub().listProducts(ListProductsRequest.newBuilder().setPageSize(6).build()));
        assertStatus(Code.RESOURCE_EXHAUSTED, "exceeds the maximum of 20000 bytes",
                () -> service.stub().getCustomer(GetCustomerRequest.newBuilder().setId(customer.getId())
                        .setUnknownFields(UnknownFieldSet.newBuilder().addField(99, UnknownFieldSet.Field.newBuilder()
                                .addLengthDelimited(ByteString.copyFrom(new byte[20_001])).build()).build())
                        .build()));
    }

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
            service.awaitServiceSessions("wait_event_type = 'Lock'", 2);

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

    /**
     * A call takes its slot once its request has arrived: calls whose request never comes (a client
     * that died, or stalls on purpose) cannot fill the gate.
     */
    @Test
    void callsWhoseRequestNeverComesTakeNoSlot() {
        Customer customer = service.customer();
        List<ClientCall<GetCustomerRequest, Customer>> stalled = IntStream.range(0, 10).mapToObj(i -> {
            ClientCall<GetCustomerRequest, Customer> call = service.channel().newCall(
                    OrderServiceGrpc.getGetCustomerMethod(), CallOptions.DEFAULT);
            call.start(new ClientCall.Listener<>() { }, new Metadata()); // headers only, no request
            call.request(1);
            return call;
        }).toList();
        try {
            for (int i = 0; i < 5; i++) {
                assertEquals(customer.getId(), service.stub()
                        .getCustomer(GetCustomerRequest.newBuilder().setId(customer.getId()).build()).getId());
            }
        } finally {
            stalled.forEach(call -> call.cancel("done", null));
        }
    }
}
