package com.example.orders.server;

import static com.example.orders.server.ServiceFixture.line;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
 * own: no read ever goes behind a write the service has acknowledged, whatever the standby goes
 * through. The primary names the standby synchronous (synchronous_standby_names = '*',
 * synchronous_commit = remote_apply) for the first server; the others run their sessions with
 * synchronous_commit = local, so that their writes go on while the standby is paused or down, as
 * with an asynchronous standby.
 */
@Tag("slow")
class ReplicaReadsTest {

    private static final Map<String, String> ASYNCHRONOUS = Map.of("db.pool.dataSource.options", "-c synchronous_commit=local");

    private static ReplicatedPostgres postgres;
    private static OrderServer server;
    private static ManagedChannel channel;

    @BeforeAll
    static void start() throws Exception {
        postgres = ReplicatedPostgres.start("synchronous_standby_names = '*'", "synchronous_commit = remote_apply");
        server = startServer(Map.of());
        channel = channel(server);
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
        assertTrue(readsServedByTheStandby(server) > 0, "the standby, applying each write as it commits, took reads");

        // With its replay paused, a change the primary committed without the service, and so without
        // waiting for the standby, stays unseen by reads on it until the replay goes on: reads that
        // need no newer data than the service's own writes are the standby's.
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
    void whileReplayIsPausedEveryReadSeesEveryAcknowledgedWriteAndTheStandbyTakesReadsAgainOnceCaughtUp()
            throws Exception {
        Map<String, String> settings = new HashMap<>(ASYNCHRONOUS);
        settings.put("db.replica-max-lag", "PT0.5S");
        try (OrderServer lagging = startServer(settings); Channel connection = new Channel(lagging)) {
            OrderServiceBlockingStub stub = stub(connection.channel());
            Customer customer = customer(stub);
            Product product = product(stub, "Before the pause");
            awaitTrue(() -> health(lagging).contains("\"reads\":\"standby\""), "the standby takes reads");

            postgres.pauseReplay();
            try {
                for (int i = 1; i <= 50; i++) {
                    Order created = stub.createOrder(CreateOrderRequest.newBuilder().setCustomerId(customer.getId())
                            .setRequestId("paused-" + i).addLines(line(product.getId(), 1)).build());
                    assertEquals(created, stub.getOrder(GetOrderRequest.newBuilder().setOrderId(created.getId()).build()),
                                 "GetOrder right after CreateOrder, round " + i);
                    assertEquals(i, stub.getCustomer(GetCustomerRequest.newBuilder().setId(customer.getId()).build())
                            .getOrderCount(), "GetCustomer right after CreateOrder, round " + i);
                    Order paid = stub.updateOrderStatus(UpdateOrderStatusRequest.newBuilder()
                            .setOrderId(created.getId()).setStatus(OrderStatus.ORDER_STATUS_PAID).build());
                    assertEquals(List.of(paid), stub.listOrders(ListOrdersRequest.newBuilder()
                            .setCustomerId(customer.getId()).setPageSize(1).build()).getOrdersList(),
                                 "ListOrders right after UpdateOrderStatus, round " + i);
                }

                // Writes the service did not make (so none of its reads must see them) take the primary
                // further than db.replica-max-lag ahead: then no read goes to the standby at all.
                long served = readsServedByTheStandby(lagging);
                commitWithoutWaitingForTheStandby("UPDATE products SET name = 'Renamed' WHERE id = " + product.getId());
                awaitTrue(() -> health(lagging).contains("\"reads\":\"primary\""), "health says reads go to the primary");
                assertTrue(health(lagging).contains("behind by more than db.replica-max-lag"), health(lagging));
                assertEquals("Renamed", productName(stub, product.getId()), "ListProducts read on the primary");
                assertEquals(served, readsServedByTheStandby(lagging), "reads the standby took while too far behind");
            } finally {
                postgres.resumeReplay();
            }
            awaitTrue(() -> health(lagging).contains("\"reads\":\"standby\""), "health says the standby takes reads again");
            long caughtUp = readsServedByTheStandby(lagging);
            assertEquals("Renamed", productName(stub, product.getId()));
            assertEquals(50, stub.getCustomer(GetCustomerRequest.newBuilder().setId(customer.getId()).build()).getOrderCount());
            assertTrue(readsServedByTheStandby(lagging) > caughtUp, "reads went back to the standby");
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
        awaitTrue(() -> health(server).contains("\"reads\":\"standby\""), "the standby takes reads");

        // Every kind of read the standby serves, from 4 clients, while it stops and comes back.
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicLong reads = new AtomicLong();
        Map<String, Integer> failures = new ConcurrentHashMap<>();
        ExecutorService clients = Executors.newFixedThreadPool(4);
        List<Future<?>> done = new ArrayList<>();
        for (int c = 0; c < 4; c++) {
            done.add(clients.submit(() -> {
                while (running.get()) {
                    try {
                        readEverything(stub(channel), customer, orderIds);
                        reads.incrementAndGet();
                    } catch (StatusRuntimeException e) {
                        failures.merge(e.getStatus().getCode() + ": " + e.getStatus().getDescription()
                                       .replaceAll("[0-9.]+", "N"), 1, Integer::sum);
                    }
                }
            }));
        }
        try {
            Thread.sleep(500);
            postgres.stopStandby();
            long atStop = reads.get();
            awaitTrue(() -> health(server).contains("\"reads\":\"primary\""), "health says reads go to the primary");
            String down = health(server);
            assertTrue(down.contains("\"standby\":\"unreachable\""), down);
            String metricsDown = metrics(server);
            assertTrue(metricsDown.contains("\ndb_standby_takes_reads{scope=\"application\",} 0.0\n"), metricsDown);
            assertTrue(metricsDown.contains("\ndb_standby_max_lag_seconds{scope=\"application\",} 1.0\n"), metricsDown);
            assertTrue(metricsDown.contains("\ndb_pool_connections_open{pool=\"replica\",scope=\"application\",} "), metricsDown);
            Promtool.assertNoFinding(metricsDown);
            assertEquals(200, healthStatus(server), "the instance serves every call: /observe/health stays UP");
            assertEquals(ServingStatus.SERVING, HealthGrpc.newBlockingStub(channel).withDeadlineAfter(5, TimeUnit.SECONDS)
                    .check(HealthCheckRequest.getDefaultInstance()).getStatus());
            awaitTrue(() -> reads.get() > atStop + 20, "reads go on on the primary");

            postgres.startStandby();
            awaitTrue(() -> health(server).contains("\"reads\":\"standby\""), "health says reads are back on the standby");
            long atReturn = reads.get();
            awaitTrue(() -> reads.get() > atReturn + 20, "reads go on on the standby");
            String metricsBack = metrics(server);
            assertTrue(metricsBack.contains("\ndb_standby_takes_reads{scope=\"application\",} 1.0\n"), metricsBack);
            assertTrue(metricsBack.matches("(?s).*\ndb_standby_replay_lag_seconds\\{scope=\"application\",} [0-9.E-]+\n.*"),
                       metricsBack);
            assertTrue(metricsBack.contains("\ndb_standby_candidate_reads_total{scope=\"application\",served_by=\"standby\",} "),
                       metricsBack);
            Promtool.assertNoFinding(metricsBack);
        } finally {
            running.set(false);
            for (Future<?> client : done) {
                client.get(30, TimeUnit.SECONDS);
            }
            clients.shutdown();
        }
        assertEquals(Map.of(), failures, "failed reads while the standby stopped and came back");
    }

    /**
     * A hot standby restarted after an immediate stop accepts reads from its minimum recovery point,
     * which can be behind what it had replayed before: reads must not go back in time with it.
     */
    @Test
    void aStandbyStoppedAndRestartedTwentyTimesUnderReadsAndWritesServesNoStaleRead() throws Exception {
        try (OrderServer asynchronous = startServer(ASYNCHRONOUS); Channel connection = new Channel(asynchronous)) {
            OrderServiceBlockingStub stub = stub(connection.channel());
            Customer customer = customer(stub);
            Product product = product(stub, "Crashing standby");
            Acknowledged acknowledged = new Acknowledged();
            Map<String, Integer> failures = new ConcurrentHashMap<>();
            List<String> stale = Collections.synchronizedList(new ArrayList<>());
            AtomicLong reads = new AtomicLong();
            runWhile(() -> {
                for (int round = 0; round < 20; round++) {
                    Thread.sleep(200);
                    postgres.stopStandby();
                    Thread.sleep(100);
                    postgres.startStandby();
                }
                Thread.sleep(500);
            }, 2, () -> acknowledged.write(stub(connection.channel()), customer, product), 3, () -> {
                acknowledged.read(stub(connection.channel()), customer).ifPresent(stale::add);
                reads.incrementAndGet();
            }, failures);
            assertEquals(List.of(), stale.subList(0, Math.min(stale.size(), 10)), stale.size() + " stale reads");
            assertEquals(Map.of(), failures, "failed calls");
            assertTrue(acknowledged.orders() > 100, acknowledged.orders() + " orders acknowledged");
            assertTrue(reads.get() > 300, reads.get() + " reads");
            assertTrue(readsServedByTheStandby(asynchronous) > 0, "the standby took reads between its stops");
        }
    }

    /**
     * One standby address that leads to two standbys (a TCP balancer, a DNS name with two records),
     * one of them paused in turn: what one standby has replayed says nothing of the other, and no read
     * goes to the one behind.
     */
    @Test
    void oneStandbyAddressLeadingToTwoStandbysServesNoReadFromTheOneBehind() throws Exception {
        try (ReplicatedPostgres two = ReplicatedPostgres.start()) {
            int secondStandby = two.addStandby();
            List<Integer> standbys = List.of(two.standbyPort(), secondStandby);
            try (TcpProxy balancer = TcpProxy.to(standbys.stream()
                         .map(port -> new InetSocketAddress("127.0.0.1", port)).toList());
                 OrderServer behindBalancer = ServiceFixture.startServer(Map.of(
                         "db.url", two.primaryUrl(),
                         "db.replica-url", "jdbc:postgresql://127.0.0.1:" + balancer.port() + "/postgres",
                         "db.user", "postgres",
                         "db.password", "",
                         "db.pool.dataSource.options", "-c synchronous_commit=local"));
                 Channel connection = new Channel(behindBalancer)) {
                OrderServiceBlockingStub stub = stub(connection.channel());
                Customer customer = customer(stub);
                Product product = product(stub, "Two standbys");
                Acknowledged acknowledged = new Acknowledged();
                Map<String, Integer> failures = new ConcurrentHashMap<>();
                List<String> stale = Collections.synchronizedList(new ArrayList<>());
                for (int paused : standbys) {
                    two.pauseReplay(paused);
                    try {
                        runWhile(() -> Thread.sleep(1500), 2,
                                 () -> acknowledged.write(stub(connection.channel()), customer, product), 4,
                                 () -> acknowledged.read(stub(connection.channel()), customer).ifPresent(stale::add),
                                 failures);
                    } finally {
                        two.resumeReplay(paused);
                    }
                }
                assertEquals(List.of(), stale.subList(0, Math.min(stale.size(), 10)), stale.size() + " stale reads");
                assertEquals(Map.of(), failures, "failed calls");
                assertTrue(readsServedByTheStandby(behindBalancer) > 0, "the standbys took reads");
            }
        }
    }

    /**
     * Runs {@code writers} threads calling {@code write} and {@code readers} calling {@code read}, each
     * failure counted by status, while {@code meanwhile} runs.
     */
    private static void runWhile(Meanwhile meanwhile, int writers, Runnable write, int readers, Runnable read,
                                 Map<String, Integer> failures) throws Exception {
        AtomicBoolean running = new AtomicBoolean(true);
        ExecutorService clients = Executors.newFixedThreadPool(writers + readers);
        List<Future<?>> done = new ArrayList<>();
        for (int i = 0; i < writers + readers; i++) {
            String kind = i < writers ? "write " : "read ";
            Runnable work = i < writers ? write : read;
            done.add(clients.submit(() -> {
                while (running.get()) {
                    try {
                        work.run();
                    } catch (StatusRuntimeException e) {
                        failures.merge(kind + e.getStatus().getCode() + ": " + e.getStatus().getDescription()
                                       .replaceAll("[0-9.]+", "N"), 1, Integer::sum);
                    }
                }
            }));
        }
        try {
            meanwhile.run();
        } finally {
            running.set(false);
            for (Future<?> client : done) {
                client.get(30, TimeUnit.SECONDS);
            }
            clients.shutdown();
        }
    }

    private interface Meanwhile {
        void run() throws Exception;
    }

    /**
     * What the service has acknowledged: orders, each PENDING or PAID; what a read made after an
     * acknowledgement must see at least.
     */
    private static final class Acknowledged {

        private final Map<Long, OrderStatus> statuses = new ConcurrentHashMap<>();
        private final List<Long> ids = Collections.synchronizedList(new ArrayList<>());
        private final AtomicLong newest = new AtomicLong();

        void write(OrderServiceBlockingStub stub, Customer customer, Product product) {
            Order created = stub.createOrder(CreateOrderRequest.newBuilder().setCustomerId(customer.getId())
                    .setRequestId(UUID.randomUUID().toString()).addLines(line(product.getId(), 1)).build());
            statuses.put(created.getId(), OrderStatus.ORDER_STATUS_PENDING);
            ids.add(created.getId());
            newest.accumulateAndGet(created.getId(), Math::max);
            if (ThreadLocalRandom.current().nextBoolean()) {
                stub.updateOrderStatus(UpdateOrderStatusRequest.newBuilder().setOrderId(created.getId())
                        .setStatus(OrderStatus.ORDER_STATUS_PAID).build());
                statuses.put(created.getId(), OrderStatus.ORDER_STATUS_PAID);
            }
        }

        int orders() {
            return ids.size();
        }

        /** A stale read, described, or empty if each read saw at least what was acknowledged before it. */
        Optional<String> read(OrderServiceBlockingStub stub, Customer customer) {
            int count = ids.size();
            if (count == 0) {
                return Optional.empty();
            }
            long id = ids.get(ThreadLocalRandom.current().nextInt(count));
            OrderStatus before = statuses.get(id);
            long newestBefore = newest.get();
            try {
                OrderStatus read = stub.getOrder(GetOrderRequest.newBuilder().setOrderId(id).build()).getStatus();
                if (before == OrderStatus.ORDER_STATUS_PAID && read != OrderStatus.ORDER_STATUS_PAID) {
                    return Optional.of("order " + id + " read " + read + " after PAID was acknowledged");
                }
            } catch (StatusRuntimeException e) {
                if (e.getStatus().getCode() == Status.Code.NOT_FOUND) {
                    return Optional.of("order " + id + " not found after it was acknowledged");
                }
                throw e;
            }
            long customerOrders = stub.getCustomer(GetCustomerRequest.newBuilder().setId(customer.getId()).build())
                    .getOrderCount();
            if (customerOrders < count) {
                return Optional.of("customer's order count " + customerOrders + " after " + count
                                             + " orders were acknowledged");
            }
            long listed = stub.listOrders(ListOrdersRequest.newBuilder().setCustomerId(customer.getId())
                    .setPageSize(1).build()).getOrders(0).getId();
            if (listed < newestBefore) {
                return Optional.of("newest order listed " + listed + " after " + newestBefore
                                             + " was acknowledged");
            }
            return Optional.empty();
        }
    }

    private static void readEverything(OrderServiceBlockingStub stub, Customer customer, List<Long> orderIds) {
        long orderId = orderIds.get((int) (Math.random() * orderIds.size()));
        stub.getOrder(GetOrderRequest.newBuilder().setOrderId(orderId).build());
        assertEquals(orderIds.size(), stub.getOrders(GetOrdersRequest.newBuilder().addAllIds(orderIds).build())
                .getOrdersCount(), "orders got");
        stub.listOrders(ListOrdersRequest.newBuilder().setCustomerId(customer.getId()).build());
        assertEquals(orderIds.size(), stub.getCustomer(GetCustomerRequest.newBuilder().setId(customer.getId()).build())
                .getOrderCount(), "the customer's order count");
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

    private static ManagedChannel channel(OrderServer server) {
        return ManagedChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
    }

    /** A channel to a server of a test's own, shut down at the end of its try block. */
    private record Channel(ManagedChannel channel) implements AutoCloseable {

        Channel(OrderServer server) {
            this(ReplicaReadsTest.channel(server));
        }

        @Override
        public void close() throws InterruptedException {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    /** A stub whose deadline is 30 s from now: make one per call where calls go on for longer. */
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
        ListProductsRequest.Builder request = ListProductsRequest.newBuilder().setPageSize(100);
        while (true) {
            var page = stub.listProducts(request.build());
            for (Product product : page.getProductsList()) {
                if (product.getId() == productId) {
                    return product.getName();
                }
            }
            if (page.getNextPageToken().isEmpty()) {
                throw new AssertionError("product " + productId + " not listed");
            }
            request.setPageToken(page.getNextPageToken());
        }
    }

    private static void commitWithoutWaitingForTheStandby(String sql) throws Exception {
        try (Connection connection = postgres.connectPrimary(); Statement statement = connection.createStatement()) {
            statement.execute("SET synchronous_commit = local");
            statement.execute(sql);
        }
    }

    private static final Pattern READS_SERVED = Pattern.compile("\"readsServed\":(\\d+)");

    private static long readsServedByTheStandby(OrderServer server) {
        String health = health(server);
        Matcher served = READS_SERVED.matcher(health);
        assertTrue(served.find(), health);
        return Long.parseLong(served.group(1));
    }

    private static String health(OrderServer server) {
        return httpGet(server, "/observe/health", "application/json").body();
    }

    private static int healthStatus(OrderServer server) {
        return httpGet(server, "/observe/health", "application/json").statusCode();
    }

    /** The standby's metrics, which its alerts read. */
    private static String metrics(OrderServer server) {
        return httpGet(server, "/observe/metrics", "text/plain").body();
    }

    private static HttpResponse<String> httpGet(OrderServer server, String path, String accept) {
        try (HttpClient http = HttpClient.newHttpClient()) {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                                     .header("Accept", accept).build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new AssertionError("GET " + path, e);
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
