package com.example.orders.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.System.Logger.Level;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import com.example.orders.v1.ExportOrdersRequest;
import com.example.orders.v1.GetOrderRequest;
import com.example.orders.v1.Order;
import com.example.orders.v1.OrderServiceGrpc;

import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Clients that cancel calls while the server is answering them, on a connection that carries other
 * calls all along. Without {@code ClosedStreamResets} or {@code InterruptibleWrites} the connection ends, failing every call on it:
 * the client's RST_STREAM for a stream Helidon 4.5.0 has already closed and forgotten (a repeated one
 * after the server's DATA reached a cancelled export, or one sent as the server's answer arrived) is a
 * protocol error to Helidon (GOAWAY PROTOCOL_ERROR); or the interrupt that stops a cancelled export's
 * write reaches its thread in a socket write, which closes the socket (UNAVAILABLE).
 */
class StreamCancelTest {

    private static final System.Logger LOG = System.getLogger(StreamCancelTest.class.getName());

    private static final int ORDERS = 5_000;
    private static final String REASON = "the client has enough";

    /** A cancelled export frees its slot a moment after the client has seen its end. */
    @RegisterExtension
    static final ServiceFixture service = new ServiceFixture(Map.of("service.max-concurrent-exports", "4"));

    private static GetOrderRequest getOrder;

    @BeforeAll
    static void seedOrders() throws SQLException {
        service.update("""
                INSERT INTO customers (email, name)
                SELECT 'cancel' || i || '@example.com', 'Cancel customer ' || i FROM generate_series(1, 100) i""");
        service.update("INSERT INTO products (sku, name, price_cents, stock) VALUES ('CANCEL-1', 'Cancel product', 100, 1000000)");
        service.update("""
                INSERT INTO orders (customer_id, request_id, status, total_cents)
                SELECT c.id, 'seed-' || i, 'PENDING', 100
                FROM generate_series(0, %d) i
                JOIN (SELECT id, row_number() OVER (ORDER BY id) - 1 AS n FROM customers) c ON c.n = i %% 100
                """.formatted(ORDERS - 1));
        service.update("""
                INSERT INTO order_lines (order_id, line_no, product_id, quantity, unit_price_cents)
                SELECT o.id, 1, p.id, 1, p.price_cents FROM orders o CROSS JOIN products p""");
        service.update("ANALYZE");
        getOrder = GetOrderRequest.newBuilder().setOrderId(service.queryLong("SELECT min(id) FROM orders")).build();
    }

    /** 50 exports, each cancelled 5 orders in, while the server is writing the orders after them. */
    @Test
    void exportsCancelledWhileTheServerWritesLeaveTheConnectionServing() throws Exception {
        ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", service.server().port()).usePlaintext().build();
        try (OtherCalls others = new OtherCalls(channel)) {
            List<String> unexpected = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                CancelAfter export = new CancelAfter(5);
                OrderServiceGrpc.newStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                        .exportOrders(ExportOrdersRequest.getDefaultInstance(), export);
                Status end = export.end.get(10, TimeUnit.SECONDS);
                if (end.getCode() != Status.Code.CANCELLED || !REASON.equals(end.getDescription())) {
                    unexpected.add("export " + i + ": " + end.getCode() + ": " + end.getDescription());
                }
            }
            others.assertAllSucceeded("50 cancelled exports");
            assertEquals(List.of(), unexpected, "exports that did not end with the client's cancel");
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    /**
     * 500 GetOrder calls, each cancelled when the answer's headers arrive: the server has ended the
     * stream by then, and the client's RST_STREAM comes after. (The channel runs the calls' callbacks
     * on its event loop, so the cancel is sent before the client reads the answer's end.)
     */
    @Test
    void callsCancelledAsTheirAnswerArrivesLeaveTheConnectionServing() throws Exception {
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", service.server().port())
                .usePlaintext()
                .directExecutor()
                .build();
        try (OtherCalls others = new OtherCalls(channel)) {
            List<String> unexpected = new ArrayList<>();
            for (int i = 0; i < 500; i++) {
                Status end = getOrderCancelledAtItsHeaders(channel).get(10, TimeUnit.SECONDS);
                boolean cancelled = end.getCode() == Status.Code.CANCELLED && REASON.equals(end.getDescription());
                if (!cancelled && !end.isOk()) { // OK: the answer's end had come before the cancel
                    unexpected.add("call " + i + ": " + end.getCode() + ": " + end.getDescription());
                }
            }
            others.assertAllSucceeded("500 calls cancelled as their answer arrived");
            assertEquals(List.of(), unexpected, "calls that ended otherwise");
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    private static CompletableFuture<Status> getOrderCancelledAtItsHeaders(ManagedChannel channel) {
        ClientCall<GetOrderRequest, Order> call = channel.newCall(OrderServiceGrpc.getGetOrderMethod(),
                CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS));
        CompletableFuture<Status> end = new CompletableFuture<>();
        call.start(new ClientCall.Listener<>() {
            @Override
            public void onHeaders(Metadata headers) {
                call.cancel(REASON, null);
            }

            @Override
            public void onClose(Status status, Metadata trailers) {
                end.complete(status);
            }
        }, new Metadata());
        call.request(1);
        call.sendMessage(getOrder);
        call.halfClose();
        return end;
    }

    /** Two threads calling GetOrder on the channel, one call after another, until closed. */
    private static final class OtherCalls implements AutoCloseable {

        private final ExecutorService callers = Executors.newFixedThreadPool(2);
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        private final List<Future<Integer>> calls = new ArrayList<>();

        OtherCalls(ManagedChannel channel) {
            for (int i = 0; i < 2; i++) {
                calls.add(callers.submit(() -> {
                    int made = 0;
                    while (running.get()) {
                        try {
                            OrderServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS).getOrder(getOrder);
                        } catch (RuntimeException e) {
                            Status status = Status.fromThrowable(e);
                            failures.add(status.getCode() + ": " + status.getDescription());
                        }
                        made++;
                    }
                    return made;
                }));
            }
        }

        void assertAllSucceeded(String during) throws Exception {
            running.set(false);
            int made = 0;
            for (Future<Integer> caller : calls) {
                made += caller.get(15, TimeUnit.SECONDS);
            }
            LOG.log(Level.INFO, made + " GetOrder calls ran alongside " + during);
            assertEquals(List.of(), List.copyOf(failures), "GetOrder calls that failed alongside " + during);
        }

        @Override
        public void close() {
            running.set(false);
            callers.shutdownNow();
        }
    }

    /** Takes orders as they come and cancels the call at the {@code cancelAt}-th. */
    private static final class CancelAfter implements ClientResponseObserver<ExportOrdersRequest, Order> {

        private final int cancelAt;
        private final CompletableFuture<Status> end = new CompletableFuture<>();
        private ClientCallStreamObserver<ExportOrdersRequest> call;
        private int received;

        CancelAfter(int cancelAt) {
            this.cancelAt = cancelAt;
        }

        @Override
        public void beforeStart(ClientCallStreamObserver<ExportOrdersRequest> call) {
            this.call = call;
        }

        @Override
        public void onNext(Order order) {
            if (++received == cancelAt) {
                call.cancel(REASON, null);
            }
        }

        @Override
        public void onError(Throwable t) {
            end.complete(Status.fromThrowable(t));
        }

        @Override
        public void onCompleted() {
            end.complete(Status.OK);
        }
    }
}
