package com.example.orders.server;

import static com.example.orders.server.ServiceFixture.line;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

import com.example.orders.server.app.OrderServer;
import com.example.orders.v1.CreateCustomerRequest;
import com.example.orders.v1.CreateOrderRequest;
import com.example.orders.v1.CreateProductRequest;
import com.example.orders.v1.Customer;
import com.example.orders.v1.ExportOrdersRequest;
import com.example.orders.v1.GetCustomerRequest;
import com.example.orders.v1.GetOrderRequest;
import com.example.orders.v1.GetOrdersRequest;
import com.example.orders.v1.ListOrdersRequest;
import com.example.orders.v1.ListProductsRequest;
import com.example.orders.v1.Order;
import com.example.orders.v1.OrderServiceGrpc;
import com.example.orders.v1.OrderServiceGrpc.OrderServiceBlockingStub;
import com.example.orders.v1.OrderStatus;
import com.example.orders.v1.Product;
import com.example.orders.v1.UpdateOrderStatusRequest;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Reads on a streaming-replication standby (db.replica-url), on a primary and a standby of the test's
 * own. The primary runs with synchronous_standby_names = '*' and synchronous_commit = remote_apply,
 * the setting docs/scaling.md names for read-your-writes: a commit returns once the standby has
 * applied it.
 */
@Tag("slow")
class ReplicaReadsTest {

    private static ReplicatedPostgres postgres;
    private static OrderServer server;
    private static ManagedChannel channel;

    @BeforeAll
    static void start() throws Exception {
        postgres = ReplicatedPostgres.start("synchronous_standby_names = '*'", "synchronous_commit = remote_apply");
        server = startServer(Map.of());
        channel = ManagedChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
    }

    @AfterAll
    static void stop() throws Exception {
        if (channel != null) {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        if (server != null) {
            server.close();
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    @Test
    void withRemoteApplyEveryAcknowledgedWriteIsSeenByTheReadRightAfterIt() throws Exception {
        OrderServiceBlockingStub stub = stub(channel);
        Customer customer = customer(stub);
        Product product = product(stub, "Remote apply");
        for (int i = 1; i <= 300; i++) {
            Order created = stub.createOrder(CreateOrderRequest.newBuilder().setCustomerId(customer.getId())
                    .setRequestId(UUID.randomUUID().toString()).addLines(line(product.getId(), 1)).build());
            assertEquals(created, stub.getOrder(GetOrderRequest.newBuilder().setOrderId(created.getId()).build()),
                         "GetOrder right after CreateOrder, round " + i);
            assertEquals(i, stub.getCustomer(GetCustomerRequest.newBuilder().setId(customer.getId()).build())
                    .getOrderCount(), "GetCustomer's order count right after CreateOrder, round " + i);
            Order paid = stub.updateOrderStatus(UpdateOrderStatusRequest.newBuilder().setOrderId(created.getId())
                    .setStatus(OrderStatus.ORDER_STATUS_PAID).build());
            assertEquals(List.of(paid), stub.listOrders(ListOrdersRequest.newBuilder().setCustomerId(customer.getId())
                    .setPageSize(1).build()).getOrdersList(), "ListOrders right after UpdateOrderStatus, round " + i);
        }

        // Those reads were the standby's: with its replay paused, a change the primary committed
        // without waiting for it stays unseen until the replay goes on.
        postgres.pauseReplay();
        try {
            commitWithoutWaitingForTheStandby("UPDATE products SET name = 'Renamed' WHERE id = " + product.getId());
            assertEquals("Remote apply", productName(stub, product.getId()), "ListProducts read on the paused standby");
        } finally {
            postgres.resumeReplay();
        }
        awaitTrue(() -> productName(stub, product.getId()).equals("Renamed"), "the rename reached the standby");
    }

    @Test
    void withoutRemoteApplyAReadRightAfterAWriteCanMissIt() throws Exception {
        // synchronous_commit = on, PostgreSQL's default: the commit waits for the standby to have the
        // change on disk, not for it to have applied it.
        OrderServer onDefault = startServer(Map.of("db.pool.dataSource.options", "-c synchronous_commit=on"));
        ManagedChannel toDefault = ManagedChannelBuilder.forAddress("127.0.0.1", onDefault.port()).usePlaintext().build();
        try {
            OrderServiceBlockingStub stub = stub(toDefault);
            Customer customer = customer(stub);
            Product product = product(stub, "Default commit");
            postgres.pauseReplay(); // a standby that lags behind, made certain
            Order created;
            try {
                created = stub.createOrder(CreateOrderRequest.newBuilder().setCustomerId(customer.getId())
                        .setRequestId("stale-read").addLines(line(product.getId(), 2)).build());
                StatusRuntimeException stale = assertThrows(StatusRuntimeException.class,
                        () -> stub.getOrder(GetOrderRequest.newBuilder().setOrderId(created.getId()).build()));
                assertEquals(Status.Code.NOT_FOUND, stale.getStatus().getCode(), "the acknowledged order, read on the standby");
                assertEquals(0, stub.getCustomer(GetCustomerRequest.newBuilder().setId(customer.getId()).build()).getOrderCount());
            } finally {
                postgres.resumeReplay();
            }
            awaitTrue(() -> exists(stub, created.getId()), "the order reached the standby");
        } finally {
            toDefault.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            onDefault.close();
        }
    }

    @Test
    void whileTheStandbyIsDownReadsGoToThePrimaryAndHealthSaysSo() throws Exception {
        OrderServiceBlockingStub stub = stub(channel);
        Customer customer = customer(stub);
        Product product = product(stub, "Fallback");
        List<Long> orderIds = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            orderIds.add(stub.createOrder(CreateOrderRequest.newBuilder().setCustomerId(customer.getId())
                    .setRequestId("fallback-" + i).addLines(line(product.getId(), 1)).build()).getId());
        }
        assertTrue(health().contains("\"reads\":\"standby\""), health());

        // Every kind of read the standby serves, from 4 clients, while it stops and comes back.
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicLong reads = new AtomicLong();
        Map<String, String> failures = new ConcurrentHashMap<>();
        ExecutorService clients = Executors.newFixedThreadPool(4);
        List<Future<?>> done = new ArrayList<>();
        for (int c = 0; c < 4; c++) {
            done.add(clients.submit(() -> {
                while (running.get()) {
                    try {
                        readEverything(stub, customer, orderIds);
                        reads.incrementAndGet();
                    } catch (StatusRuntimeException e) {
                        failures.merge(e.getStatus().toString(), "1", (a, b) -> String.valueOf(Integer.parseInt(a) + 1));
                    }
                }
            }));
        }
        try {
            Thread.sleep(500);
            postgres.stopStandby();
            long atStop = reads.get();
            awaitTrue(() -> health().contains("\"reads\":\"primary\""), "health says reads go to the primary");
            String down = health();
            assertTrue(down.contains("\"standby\":\"unreachable\""), down);
            assertEquals(200, healthStatus(), "the instance serves every call: /observe/health stays UP");
            assertEquals(ServingStatus.SERVING, HealthGrpc.newBlockingStub(channel).withDeadlineAfter(5, TimeUnit.SECONDS)
                    .check(HealthCheckRequest.getDefaultInstance()).getStatus());
            awaitTrue(() -> reads.get() > atStop + 20, "reads go on on the primary");

            postgres.startStandby();
            awaitTrue(() -> health().contains("\"reads\":\"standby\""), "health says reads are back on the standby");
            long atReturn = reads.get();
            awaitTrue(() -> reads.get() > atReturn + 20, "reads go on on the standby");
        } finally {
            running.set(false);
            for (Future<?> client : done) {
                client.get(30, TimeUnit.SECONDS);
            }
            clients.shutdown();
        }
        assertEquals(Map.of(), failures, "failed reads while the standby stopped and came back");
    }

    private static void readEverything(OrderServiceBlockingStub stub, Customer customer, List<Long> orderIds) {
        long orderId = orderIds.get((int) (Math.random() * orderIds.size()));
        stub.getOrder(GetOrderRequest.newBuilder().setOrderId(orderId).build());
        stub.getOrders(GetOrdersRequest.newBuilder().addAllIds(orderIds).build());
        stub.listOrders(ListOrdersRequest.newBuilder().setCustomerId(customer.getId()).build());
        stub.getCustomer(GetCustomerRequest.newBuilder().setId(customer.getId()).build());
        stub.listProducts(ListProductsRequest.getDefaultInstance());
        int exported = 0;
        for (var it = stub.exportOrders(ExportOrdersRequest.newBuilder().setCustomerId(customer.getId()).build());
             it.hasNext(); it.next()) {
            exported++;
        }
        assertEquals(orderIds.size(), exported, "orders exported");
    }

    private static OrderServer startServer(Map<String, String> settings) {
        Map<String, String> config = new HashMap<>(settings);
        config.put("db.url", postgres.primaryUrl());
        config.put("db.replica-url", postgres.standbyUrl());
        config.put("db.user", "postgres");
        config.put("db.password", "");
        config.put("service.max-concurrent-exports", "4"); // one per client of the fallback test
        return ServiceFixture.startServer(config);
    }

    private static OrderServiceBlockingStub stub(ManagedChannel channel) {
        return OrderServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    private static Customer customer(OrderServiceBlockingStub stub) {
        return stub.createCustomer(CreateCustomerRequest.newBuilder()
                .setEmail(UUID.randomUUID() + "@example.com").setName("Replica Reader").build());
    }

    private static Product product(OrderServiceBlockingStub stub, String name) {
        return stub.createProduct(CreateProductRequest.newBuilder().setSku(UUID.randomUUID().toString())
                .setName(name).setPriceCents(100).setStock(1_000_000).build());
    }

    private static String productName(OrderServiceBlockingStub stub, long productId) {
        return stub.listProducts(ListProductsRequest.newBuilder().setPageSize(100).build()).getProductsList().stream()
                .filter(product -> product.getId() == productId)
                .findFirst().orElseThrow().getName();
    }

    private static boolean exists(OrderServiceBlockingStub stub, long orderId) {
        try {
            stub.getOrder(GetOrderRequest.newBuilder().setOrderId(orderId).build());
            return true;
        } catch (StatusRuntimeException e) {
            return false;
        }
    }

    private static void commitWithoutWaitingForTheStandby(String sql) throws Exception {
        try (Connection connection = postgres.connectPrimary(); Statement statement = connection.createStatement()) {
            statement.execute("SET synchronous_commit = local");
            statement.execute(sql);
        }
    }

    private static String health() {
        return httpGet().body();
    }

    private static int healthStatus() {
        return httpGet().statusCode();
    }

    private static HttpResponse<String> httpGet() {
        try (HttpClient http = HttpClient.newHttpClient()) {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/observe/health"))
                                     .header("Accept", "application/json").build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new AssertionError("GET /observe/health", e);
        }
    }

    private static void awaitTrue(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 20 s: " + what);
            }
            Thread.sleep(50);
        }
    }
}
