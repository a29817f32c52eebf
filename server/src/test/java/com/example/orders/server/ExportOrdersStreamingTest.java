package com.example.orders.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.System.Logger.Level;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

import com.example.orders.server.app.OrderServer;
import com.example.orders.v1.ExportOrdersRequest;
import com.example.orders.v1.Order;
import com.example.orders.v1.OrderServiceGrpc;
import com.example.orders.v1.OrderStatus;

import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.StatusRuntimeException;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** ExportOrders over 100,000 orders: bounded memory, flow control, cancellation. */
class ExportOrdersStreamingTest {

    private static final System.Logger LOG = System.getLogger(ExportOrdersStreamingTest.class.getName());

    private static final int ORDERS = 100_000;
    /** Every tenth order is PAID. */
    private static final int PAID_ORDERS = ORDERS / 10;
    /** Each of the 1,000 customers has this many orders. */
    private static final int ORDERS_PER_CUSTOMER = ORDERS / 1_000;

    @RegisterExtension
    static final ServiceFixture service = new ServiceFixture();

    /**
     * Set-based inserts straight into this class's schema: 1 to 5 lines an order, 3 on average.
     * Totals stay 0, nothing here reads them.
     */
    @BeforeAll
    static void seedOrders() throws SQLException {
        service.update("""
                INSERT INTO customers (email, name)
                SELECT 'export' || i || '@example.com', 'Export customer ' || i FROM generate_series(1, 1000) i""");
        service.update("""
                INSERT INTO products (sku, name, price_cents, stock)
                SELECT 'EXPORT-' || i, 'Export product ' || i, 100 * i, 1000000 FROM generate_series(1, 100) i""");
        service.update("""
                INSERT INTO orders (customer_id, request_id, status, total_cents)
                SELECT c.id, 'seed-' || i, CASE WHEN i %% 10 = 0 THEN 'PAID' ELSE 'PENDING' END, 0
                FROM generate_series(0, %d) i
                JOIN (SELECT id, row_number() OVER (ORDER BY id) - 1 AS n FROM customers) c ON c.n = i %% 1000
                """.formatted(ORDERS - 1));
        service.update("""
                INSERT INTO order_lines (order_id, line_no, product_id, quantity, unit_price_cents)
                SELECT o.id, l, p.id, 1 + o.id % 5, p.price_cents
                FROM orders o
                CROSS JOIN generate_series(1, 5) l
                JOIN (SELECT id, price_cents, row_number() OVER (ORDER BY id) - 1 AS n FROM products) p
                  ON p.n = (o.id + l) % 100
                WHERE l <= 1 + o.id % 5""");
        service.update("ANALYZE");
    }

    /**
     * The server runs in a JVM of its own with a 128 MB heap. Read in one go, the 300,000 rows of
     * this export do not fit in it: without the cursor this test fails with OutOfMemoryError.
     */
    @Test
    void exportsEveryOrderFromAServerWithASmallHeap() throws Exception {
        TestDatabase database = TestDatabase.get();
        try (ServerProcess server = ServerProcess.start(Map.of(
                        "db.url", database.urlWithSchema(service.schema()),
                        "db.user", database.user(),
                        "db.password", database.password()),
                "-Xmx128m", "-XX:+ExitOnOutOfMemoryError", "--enable-native-access=ALL-UNNAMED")) {
            ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
            try {
                long start = System.nanoTime();
                Iterator<Order> orders = OrderServiceGrpc.newBlockingStub(channel)
                        .withDeadlineAfter(60, TimeUnit.SECONDS)
                        .exportOrders(ExportOrdersRequest.getDefaultInstance());
                long count = 0;
                long lastId = 0;
                while (orders.hasNext()) {
                    Order order = orders.next();
                    long previousId = lastId;
                    assertTrue(order.getId() > previousId, () -> "order " + order.getId() + " after " + previousId);
                    assertEquals(1 + order.getId() % 5, order.getLinesCount(), () -> "lines of order " + order.getId());
                    lastId = order.getId();
                    count++;
                }
                Duration took = Duration.ofNanos(System.nanoTime() - start);

                assertEquals(ORDERS, count, server.output());
                LOG.log(Level.INFO, "Exported " + count + " orders from a server with -Xmx128m in " + took.toMillis() + " ms");
            } catch (StatusRuntimeException e) {
                throw new AssertionError("the export failed; the server said:\n" + server.output(), e);
            } finally {
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        }
    }

    /**
     * A client that takes orders one at a time, then pauses: the server reads only as far ahead as
     * the client's HTTP/2 window holds, and waits while it is full.
     */
    @Test
    void aSlowClientHoldsTheExportBack() throws Exception {
        // A fixed 64 KiB window (no auto-tuning) holds a few hundred of these orders.
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", service.server().port())
                .usePlaintext()
                .flowControlWindow(64 * 1024)
                .build();
        try {
            long exportedBefore = service.server().ordersExported();
            LongSupplier exported = () -> service.server().ordersExported() - exportedBefore;
            ManualClient client = new ManualClient();
            OrderServiceGrpc.newStub(channel).exportOrders(
                    ExportOrdersRequest.newBuilder().setStatus(OrderStatus.ORDER_STATUS_PAID).build(), client);

            long largestLead = 0;
            for (int taken = 1; taken <= 500; taken++) {
                client.awaitReceived(taken);
                largestLead = Math.max(largestLead, exported.getAsLong() - client.received());
                Thread.sleep(1);
                client.request(1);
            }
            long leadWhilePaused = awaitSteady(exported) - client.received();
            LOG.log(Level.INFO, "Slow client: the server was at most " + largestLead + " orders ahead, "
                    + leadWhilePaused + " while the client paused");

            assertTrue(largestLead < 1_000, "the server ran " + largestLead + " orders ahead of the client");
            assertTrue(leadWhilePaused < 1_000, "the server ran " + leadWhilePaused + " orders ahead of the client");

            client.request(Integer.MAX_VALUE);
            assertEquals(Status.Code.OK, client.end.get(30, TimeUnit.SECONDS).getCode());
            assertEquals(PAID_ORDERS, client.received());
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void exportsBeyondTheLimitAreRefusedWhileOthersRun() throws Exception {
        try (OrderServer server = impatientServer(Map.of("service.max-concurrent-exports", "1"))) {
            ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
            try {
                ManualClient running = new ManualClient();
                OrderServiceGrpc.newStub(channel).exportOrders(ExportOrdersRequest.getDefaultInstance(), running);
                running.awaitReceived(1);

                StatusRuntimeException refused = assertThrows(StatusRuntimeException.class, () -> count(
                        OrderServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                                .exportOrders(ExportOrdersRequest.getDefaultInstance())));
                assertEquals(Status.Code.RESOURCE_EXHAUSTED, refused.getStatus().getCode());
                assertTrue(refused.getStatus().getDescription().contains("already 1 exports running"));

                running.request(Integer.MAX_VALUE);
                assertEquals(Status.Code.OK, running.end.get(60, TimeUnit.SECONDS).getCode());
                long customerId = service.queryLong("SELECT min(id) FROM customers");
                assertEquals(ORDERS_PER_CUSTOMER, count(OrderServiceGrpc.newBlockingStub(channel)
                        .exportOrders(ExportOrdersRequest.newBuilder().setCustomerId(customerId).build())),
                        "the next export runs once the first has ended");
            } finally {
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        }
    }

    /**
     * The client takes 10 orders, leaves the rest in its flow-control window until the server's
     * write waits for room, then cancels: the export stops at once (not after flow-control-timeout,
     * 15 s here), the connection goes on, and nothing is logged with a stack trace.
     */
    @Test
    void aCancelledExportStopsAtOnceAndTheServerGoesOn() throws Exception {
        ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", service.server().port()).usePlaintext().build();
        try (LogRecords log = new LogRecords()) {
            Context.CancellableContext call = Context.current().withCancellation();
            Iterator<Order> orders = call.call(() -> OrderServiceGrpc.newBlockingStub(channel)
                    .exportOrders(ExportOrdersRequest.getDefaultInstance()));
            for (int i = 0; i < 10; i++) {
                orders.next();
            }
            long exportedWhileFull = awaitSteady(service.server()::ordersExported);
            assertEquals(1, exportSessions(), "the export's session is open");

            call.cancel(null);

            awaitNoExportSession(Duration.ofSeconds(1));
            assertTrue(service.server().ordersExported() - exportedWhileFull <= 1, "the export read on after the cancel");
            long customerId = service.queryLong("SELECT min(id) FROM customers");
            Iterator<Order> next = OrderServiceGrpc.newBlockingStub(channel)
                    .exportOrders(ExportOrdersRequest.newBuilder().setCustomerId(customerId).build());
            assertEquals(ORDERS_PER_CUSTOMER, count(next), "the same channel is served again");
            assertEquals(List.of(), log.withThrown(), "records with a stack trace");
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void aClientThatStopsTakingOrdersIsCancelledAndItsQueryStopped() throws Exception {
        try (OrderServer server = impatientServer()) {
            ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
            try {
                ManualClient client = new ManualClient();
                OrderServiceGrpc.newStub(channel).exportOrders(ExportOrdersRequest.getDefaultInstance(), client);
                client.awaitReceived(1);

                awaitNoExportSession(Duration.ofSeconds(10));

                client.request(Integer.MAX_VALUE);
                Status end = client.end.get(10, TimeUnit.SECONDS);
                assertEquals(Status.Code.CANCELLED, end.getCode(), () -> "status " + end);
                assertTrue(end.getDescription().contains("the client took no message for too long"), end::getDescription);
                assertTrue(client.received() < ORDERS, "received " + client.received());
            } finally {
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        }
    }

    /**
     * A second server on this class's schema that gives up on a client whose window stays full
     * after 2 s rather than the configured 15 s, so that the tests of that path stay short.
     */
    private static OrderServer impatientServer() {
        return impatientServer(Map.of());
    }

    /** A server of its own on this class's data that gives up on a stalled client after 2 s. */
    private static OrderServer impatientServer(Map<String, String> config) {
        TestDatabase database = TestDatabase.get();
        Map<String, String> settings = new HashMap<>(config);
        settings.put("db.url", database.urlWithSchema(service.schema()));
        settings.put("db.user", database.user());
        settings.put("db.password", database.password());
        settings.put("server.protocols.http_2.flow-control-timeout", "PT2S");
        return ServiceFixture.startServer(settings);
    }

    /**
     * Sessions in a transaction that has read this class's order_lines: exports under way. (Their
     * query text does not tell: the driver's own metadata query may be the last one shown.)
     */
    private static long exportSessions() throws SQLException {
        return service.queryLong("""
                SELECT count(*) FROM pg_stat_activity
                WHERE state IN ('active', 'idle in transaction')
                  AND pid IN (SELECT pid FROM pg_locks WHERE relation = CAST('order_lines' AS regclass))""");
    }

    private static void awaitNoExportSession(Duration timeout) throws SQLException, InterruptedException {
        long start = System.nanoTime();
        while (exportSessions() > 0) {
            assertTrue(System.nanoTime() - start < timeout.toNanos(), "the export's session is still open after " + timeout);
            Thread.sleep(50);
        }
        LOG.log(Level.INFO, "The export's session closed " + (System.nanoTime() - start) / 1_000_000
                + " ms after the client left");
    }

    /** The value once it has stayed the same for half a second. */
    private static long awaitSteady(LongSupplier value) throws InterruptedException {
        long last = value.getAsLong();
        while (true) {
            Thread.sleep(500);
            long now = value.getAsLong();
            if (now == last) {
                return now;
            }
            last = now;
        }
    }

    private static long count(Iterator<Order> orders) {
        long count = 0;
        while (orders.hasNext()) {
            orders.next();
            count++;
        }
        return count;
    }

    /** An export client that takes orders only when told to: {@code request(n)}. */
    private static final class ManualClient implements ClientResponseObserver<ExportOrdersRequest, Order> {

        private final AtomicLong received = new AtomicLong();
        private final CompletableFuture<Status> end = new CompletableFuture<>();
        private volatile ClientCallStreamObserver<ExportOrdersRequest> call;

        @Override
        public void beforeStart(ClientCallStreamObserver<ExportOrdersRequest> call) {
            this.call = call;
            call.disableAutoRequestWithInitial(1);
        }

        @Override
        public void onNext(Order order) {
            received.incrementAndGet();
        }

        @Override
        public void onError(Throwable t) {
            end.complete(Status.fromThrowable(t));
        }

        @Override
        public void onCompleted() {
            end.complete(Status.OK);
        }

        void request(int count) {
            call.request(count);
        }

        long received() {
            return received.get();
        }

        void awaitReceived(long count) throws InterruptedException {
            while (received.get() < count && !end.isDone()) {
                Thread.sleep(1);
            }
        }
    }
}
