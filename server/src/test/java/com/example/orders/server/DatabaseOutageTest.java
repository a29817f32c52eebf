package com.example.orders.server;

import static com.example.orders.server.GrpcAssertions.assertStatus;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.stream.IntStream;

import com.example.orders.server.app.OrderServer;
import com.example.orders.v1.CreateCustomerRequest;
import com.example.orders.v1.CreateOrderRequest;
import com.example.orders.v1.CreateProductRequest;
import com.example.orders.v1.Customer;
import com.example.orders.v1.GetCustomerRequest;
import com.example.orders.v1.Order;
import com.example.orders.v1.OrderServiceGrpc;
import com.example.orders.v1.OrderServiceGrpc.OrderServiceBlockingStub;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status.Code;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The database stops under a running service and comes back on the same address: calls fail fast
 * with UNAVAILABLE and gRPC health says NOT_SERVING meanwhile, and the pool heals without restarting
 * the service; no order acknowledged is lost and none is half-written. Uses a PostgreSQL of its own,
 * since it has to stop it.
 */
class DatabaseOutageTest {

    private static final System.Logger LOG = System.getLogger(DatabaseOutageTest.class.getName());

    @TempDir
    Path dataDir;

    /**
     * While the health check knows the database is down, calls get UNAVAILABLE at once rather than
     * each waiting the pool's connection timeout (3 s); once it is back, a probe call sees it within
     * a second.
     */
    @Test
    void callsGetUnavailableAtOnceWhileTheDatabaseIsDownAndSucceedOnceItIsBack() throws Exception {
        int port = freePort();
        EmbeddedPostgres postgres = startPostgres(port);
        try (OrderServer server = ServiceFixture.startServer(Map.of(
                "db.url", postgres.getJdbcUrl("postgres", "postgres"),
                "db.health-check-interval", "PT0.2S"))) {
            ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
            try {
                OrderServiceBlockingStub stub = OrderServiceGrpc.newBlockingStub(channel);
                HealthGrpc.HealthBlockingStub health = HealthGrpc.newBlockingStub(channel);
                assertEquals(ServingStatus.SERVING, untilStatus(health, ServingStatus.SERVING));
                Customer customer = stub.createCustomer(CreateCustomerRequest.newBuilder()
                        .setEmail("outage@example.com").setName("Outage").build());
                GetCustomerRequest get = GetCustomerRequest.newBuilder().setId(customer.getId()).build();

                postgres.close();
                assertEquals(ServingStatus.NOT_SERVING, untilStatus(health, ServingStatus.NOT_SERVING));
                long[] millis = new long[20];
                for (int i = 0; i < millis.length; i++) {
                    long start = System.nanoTime();
                    assertStatus(Code.UNAVAILABLE, "database unavailable",
                            () -> stub.withDeadlineAfter(30, TimeUnit.SECONDS).getCustomer(get));
                    millis[i] = (System.nanoTime() - start) / 1_000_000;
                    Thread.sleep(50);
                }
                Arrays.sort(millis);
                LOG.log(Level.INFO, "Calls during the outage failed after (ms): median " + millis[millis.length / 2]
                        + ", slowest " + millis[millis.length - 1] + ": " + Arrays.toString(millis));
                assertTrue(millis[millis.length / 2] < 500, "the median call waited " + millis[millis.length / 2] + " ms");

                postgres = startPostgres(port);
                long back = System.nanoTime();
                assertEquals(customer.getEmail(), untilAvailable(() -> stub.getCustomer(get)).getEmail());
                Duration seen = Duration.ofNanos(System.nanoTime() - back);
                LOG.log(Level.INFO, "The first call succeeded " + seen.toMillis() + " ms after the database was back");
                assertTrue(seen.compareTo(Duration.ofSeconds(2)) < 0, "seen after " + seen);
                assertEquals(ServingStatus.SERVING, untilStatus(health, ServingStatus.SERVING));
            } finally {
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        } finally {
            postgres.close();
        }
    }

    @Test
    void ordersAcknowledgedDuringAnOutageMidLoadAreAllThereAndNoneIsHalfWritten() throws Exception {
        int port = freePort();
        EmbeddedPostgres postgres = startPostgres(port);
        String url = postgres.getJdbcUrl("postgres", "postgres");
        try (OrderServer server = ServiceFixture.startServer(Map.of("db.url", url))) {
            ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
            try (ExecutorService clients = Executors.newFixedThreadPool(4)) {
                OrderServiceBlockingStub stub = OrderServiceGrpc.newBlockingStub(channel);
                long customerId = stub.createCustomer(CreateCustomerRequest.newBuilder()
                        .setEmail("midload@example.com").setName("Mid Load").build()).getId();
                List<Long> productIds = IntStream.range(0, 3).mapToObj(i -> stub.createProduct(CreateProductRequest.newBuilder()
                        .setSku("MIDLOAD-" + i).setName("Product " + i).setPriceCents(100).setStock(1_000_000).build())
                        .getId()).toList();
                Map<Long, Integer> acknowledged = new ConcurrentHashMap<>(); // order id -> lines
                AtomicLong slowestFailureMillis = new AtomicLong();
                AtomicBoolean running = new AtomicBoolean(true);
                AtomicInteger requests = new AtomicInteger();
                List<Future<?>> load = IntStream.range(0, 4).<Future<?>>mapToObj(i -> clients.submit(() -> {
                    while (running.get()) {
                        CreateOrderRequest.Builder request = CreateOrderRequest.newBuilder()
                                .setCustomerId(customerId).setRequestId("r" + requests.incrementAndGet());
                        productIds.forEach(id -> request.addLines(ServiceFixture.line(id, 1)));
                        long start = System.nanoTime();
                        try {
                            Order order = stub.withDeadlineAfter(30, TimeUnit.SECONDS).createOrder(request.build());
                            acknowledged.put(order.getId(), order.getLinesCount());
                        } catch (StatusRuntimeException e) {
                            assertEquals(Code.UNAVAILABLE, e.getStatus().getCode(), () -> "status " + e.getStatus());
                            slowestFailureMillis.accumulateAndGet((System.nanoTime() - start) / 1_000_000, Math::max);
                        }
                    }
                })).toList();

                Thread.sleep(1_000);
                int beforeOutage = acknowledged.size();
                postgres.close();
                Thread.sleep(2_000);
                postgres = startPostgres(port);
                Thread.sleep(3_000);
                running.set(false);
                for (Future<?> client : load) {
                    client.get(60, TimeUnit.SECONDS);
                }

                assertTrue(beforeOutage > 0 && acknowledged.size() > beforeOutage, "orders before and after the outage");
                assertTrue(slowestFailureMillis.get() < 10_000, "slowest failure " + slowestFailureMillis + " ms");
                try (Connection db = DriverManager.getConnection(url);
                     Statement query = db.createStatement();
                     ResultSet orders = query.executeQuery("SELECT o.id, count(l.order_id), o.total_cents,"
                             + " coalesce(sum(l.quantity * l.unit_price_cents), 0) FROM orders o"
                             + " LEFT JOIN order_lines l ON l.order_id = o.id GROUP BY o.id")) {
                    Map<Long, Integer> stored = new HashMap<>();
                    while (orders.next()) {
                        assertEquals(3, orders.getInt(2), "lines of order " + orders.getLong(1));
                        assertEquals(orders.getLong(4), orders.getLong(3), "total of order " + orders.getLong(1));
                        stored.put(orders.getLong(1), orders.getInt(2));
                    }
                    acknowledged.forEach((id, lines) -> assertEquals(lines, stored.get(id), "acknowledged order " + id));
                }
            } finally {
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        } finally {
            postgres.close();
        }
    }

    /** Calls every 50 ms, for up to 10 s, until one succeeds; UNAVAILABLE meanwhile. */
    private static <T> T untilAvailable(Supplier<T> call) throws InterruptedException {
        StatusRuntimeException last = null;
        for (int attempt = 0; attempt < 200; attempt++) {
            try {
                return call.get();
            } catch (StatusRuntimeException e) {
                assertEquals(Code.UNAVAILABLE, e.getStatus().getCode(), () -> "status " + e.getStatus());
                last = e;
                Thread.sleep(50);
            }
        }
        throw last;
    }

    /** The gRPC health of the OrderService once it is {@code expected}, or after 10 s whatever it is. */
    private static ServingStatus untilStatus(HealthGrpc.HealthBlockingStub health, ServingStatus expected)
            throws InterruptedException {
        HealthCheckRequest request = HealthCheckRequest.newBuilder().setService(OrderServiceGrpc.SERVICE_NAME).build();
        ServingStatus status = null;
        for (int attempt = 0; attempt < 50 && status != expected; attempt++) {
            if (attempt > 0) {
                Thread.sleep(200);
            }
            status = health.withDeadlineAfter(5, TimeUnit.SECONDS).check(request).getStatus();
        }
        return status;
    }

    private EmbeddedPostgres startPostgres(int port) throws IOException {
        Files.createDirectories(dataDir);
        return EmbeddedPostgres.builder()
                .setPort(port)
                .setDataDirectory(dataDir)
                .setCleanDataDirectory(false)
                .start();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
