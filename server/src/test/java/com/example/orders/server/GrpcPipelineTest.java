package com.example.orders.server;

import static com.example.orders.server.GrpcAssertions.assertStatus;
import static com.example.orders.server.ServiceFixture.line;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import com.example.orders.server.grpc.CallGate;
import com.example.orders.server.grpc.CallTracing;
import com.example.orders.server.grpc.GrpcPipeline;
import com.example.orders.v1.CreateOrderRequest;
import com.example.orders.v1.Customer;
import com.example.orders.v1.GetCustomerRequest;
import com.example.orders.v1.Order;
import com.example.orders.v1.OrderServiceGrpc;
import com.example.orders.v1.OrderServiceGrpc.OrderServiceBlockingStub;
import com.example.orders.v1.Product;

import io.grpc.Metadata;
import io.grpc.Status.Code;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.stub.MetadataUtils;
import io.helidon.metrics.api.MeterRegistry;
import io.helidon.service.registry.Services;
import io.helidon.webserver.grpc.GrpcRouting;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The order in which a call passes the interceptors, which several guarantees depend on. */
class GrpcPipelineTest {

    private static final String TOKEN = "pipeline-token";

    @RegisterExtension
    static final ServiceFixture service = new ServiceFixture(Map.of(
            "service.auth.token", TOKEN,
            "service.max-concurrent-calls", "1"));

    @Test
    void everyCallPassesTheRoutingInterceptorsInThisOrder() {
        GrpcRouting routing = GrpcPipeline.routing(new OrderServiceGrpc.OrderServiceImplBase() { },
                                                   new HealthStatusManager(), new CallGate(1, Set.of()), TOKEN, 1024,
                                                   Services.get(MeterRegistry.class), CallTracing.OFF).build();

        assertEquals(List.of("ContextSettingServerInterceptor", // Helidon's own
                             "UnaryResponseWrites", "InterruptWritesOnCancel", "EarlyAnswers",
                             "GrpcMessageEncoding", "CallObservation", "OversizedRequests", "ServerCallContext"),
                     routing.interceptors().stream().map(interceptor -> interceptor.getClass().getSimpleName()).toList());
    }

    /**
     * The access log, then the token, then the gate: a call refused for its token is logged, and takes
     * no slot from the gate; a call refused by the gate is logged too.
     */
    @Test
    void aRefusedTokenIsLoggedAndTakesNoSlotFromTheGate() throws Exception {
        OrderServiceBlockingStub authorized = service.stub().withInterceptors(bearer(TOKEN));
        Customer customer = authorized.createCustomer(com.example.orders.v1.CreateCustomerRequest.newBuilder()
                .setEmail("pipeline@example.com").setName("Pipe").build());
        Product product = authorized.createProduct(com.example.orders.v1.CreateProductRequest.newBuilder()
                .setSku("PIPE-1").setName("Pipe").setPriceCents(100).setStock(5).build());
        GetCustomerRequest getCustomer = GetCustomerRequest.newBuilder().setId(customer.getId()).build();

        try (Connection blocker = service.connectToSchema(); Statement lock = blocker.createStatement();
             LogRecords log = new LogRecords("orders.access")) {
            blocker.setAutoCommit(false);
            lock.execute("SELECT * FROM products WHERE id = " + product.getId() + " FOR UPDATE");
            CompletableFuture<Order> inFlight = CompletableFuture.supplyAsync(() -> authorized.createOrder(
                    CreateOrderRequest.newBuilder().setCustomerId(customer.getId()).setRequestId("in-flight")
                            .addLines(line(product.getId(), 1)).build()));
            service.awaitServiceSessions("wait_event_type = 'Lock'", 1); // the one slot is taken

            assertStatus(Code.UNAUTHENTICATED, "invalid bearer token",
                         () -> service.stub().withInterceptors(bearer("wrong")).getCustomer(getCustomer));
            assertStatus(Code.RESOURCE_EXHAUSTED, "more than 1 calls in flight", () -> authorized.getCustomer(getCustomer));
            blocker.rollback();
            assertEquals(1, inFlight.get(10, TimeUnit.SECONDS).getLinesCount());

            assertEquals(List.of("GetCustomer UNAUTHENTICATED", "GetCustomer RESOURCE_EXHAUSTED", "CreateOrder OK"),
                         log.messages("orders.access").stream().map(line -> line.replaceAll(" [0-9.]+ ms.*", "")).toList());
        }
    }

    private static io.grpc.ClientInterceptor bearer(String token) {
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
        return MetadataUtils.newAttachHeadersInterceptor(headers);
    }
}
