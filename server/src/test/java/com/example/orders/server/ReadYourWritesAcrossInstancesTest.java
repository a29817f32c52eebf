package com.example.orders.server;

import static com.example.orders.server.ServiceFixture.line;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.example.orders.server.app.OrderServer;
import com.example.orders.v1.CreateCustomerRequest;
import com.example.orders.v1.CreateOrderRequest;
import com.example.orders.v1.CreateProductRequest;
import com.example.orders.v1.Customer;
import com.example.orders.v1.GetOrderRequest;
import com.example.orders.v1.Order;
import com.example.orders.v1.OrderServiceGrpc;
import com.example.orders.v1.OrderServiceGrpc.OrderServiceBlockingStub;
import com.example.orders.v1.OrderStatus;
import com.example.orders.v1.Product;
import com.example.orders.v1.UpdateOrderStatusRequest;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall.SimpleForwardingClientCall;
import io.grpc.ForwardingClientCallListener.SimpleForwardingClientCallListener;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Two instances on one primary, each reading on an asynchronous standby that applies the primary's
 * changes 2 s late (recovery_min_apply_delay), behind nginx (deploy/nginx/up), which sends a
 * client's calls to them in turn: a write goes to one instance, the read after it to the other. A
 * client that sends back the largest orders-min-lsn it got reads its own writes; one that does not
 * reads the standby's older data.
 */
@Tag("slow")
class ReadYourWritesAcrossInstancesTest {

    /**
     * How late the standby applies the primary's changes: longer than any write-then-read pair takes,
     * even on a busy machine, so that a read not routed by the token is sure to miss its write.
     */
    private static final Duration APPLY_DELAY = Duration.ofSeconds(2);
    private static final Metadata.Key<String> MIN_LSN = Metadata.Key.of("orders-min-lsn", Metadata.ASCII_STRING_MARSHALLER);
    private static final Pattern UPSTREAM = Pattern.compile("\"/orders\\.v1\\.OrderService/(\\w+)\" grpc-status=\\d+ .*upstream=(\\S+) ");

    private static ReplicatedPostgres postgres;
    private static OrderServer first;
    private static OrderServer second;
    private Nginx nginx;
    private ManagedChannel channel;

    @BeforeAll
    static void start() throws Exception {
        postgres = ReplicatedPostgres.start(List.of(), List.of("recovery_min_apply_delay = '" + APPLY_DELAY.toMillis() + "ms'"));
        first = startServer();
        second = startServer();
    }

    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable closeable : new AutoCloseable[] {first, second, postgres}) {
            if (closeable != null) {
                closeable.close();
            }
        }
    }

    /** nginx of each test's own, whose access log holds that test's calls alone. */
    @BeforeEach
    void startNginx() throws Exception {
        nginx = Nginx.start(List.of(first.port(), second.port()));
        channel = ManagedChannelBuilder.forAddress("127.0.0.1", nginx.port()).usePlaintext().build();
    }

    @AfterEach
    void stopNginx() throws Exception {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        nginx.close();
    }

    @Test
    void aClientThatSendsBackTheTokenReadsEachOfItsWritesOnTheOtherInstance() throws Exception {
        LargestToken tokens = new LargestToken();
        Customer customer = customer(stub(tokens));
        Product product = product(stub(tokens));

        List<String> stale = new ArrayList<>();
        for (int pair = 0; pair < 500; pair++) {
            Order created = stub(tokens).createOrder(CreateOrderRequest.newBuilder().setCustomerId(customer.getId())
                    .setRequestId(UUID.randomUUID().toString()).addLines(line(product.getId(), 1)).build());
            readBack(stub(tokens), created, stale);
            Order paid = stub(tokens).updateOrderStatus(UpdateOrderStatusRequest.newBuilder()
                    .setOrderId(created.getId()).setStatus(OrderStatus.ORDER_STATUS_PAID).build());
            readBack(stub(tokens), paid, stale);
        }
        assertEquals(List.of(), stale.subList(0, Math.min(10, stale.size())), stale.size() + " of 1000 reads were stale");
        assertEachReadOnTheOtherInstance(1000);
    }

    @Test
    void aClientThatSendsNoTokenReadsTheStandbysOlderDataOnTheOtherInstance() throws Exception {
        OrderServiceBlockingStub stub = stub(new ClientInterceptor() {
            @Override
            public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
                return next.newCall(method, options);
            }
        });
        Customer customer = customer(stub);
        Product product = product(stub);
        // Once the standby has applied the setup, nothing holds back the reads of the instance that did
        // not take the setup's write either.
        Thread.sleep(APPLY_DELAY.plusMillis(500).toMillis());
        List<String> stale = new ArrayList<>();
        for (int pair = 0; pair < 20; pair++) {
            Order created = stub.createOrder(CreateOrderRequest.newBuilder().setCustomerId(customer.getId())
                    .setRequestId(UUID.randomUUID().toString()).addLines(line(product.getId(), 1)).build());
            readBack(stub, created, stale);
        }
        // Each read went to the instance that did not take its write, which knows nothing of it: the
        // standby serves it, 2 s behind the write.
        assertEquals(20, stale.size(), "stale reads of 20");
        assertEachReadOnTheOtherInstance(20);
    }

    /** The test's last {@code pairs} write-then-read pairs each went to both instances, in nginx's log. */
    private void assertEachReadOnTheOtherInstance(int pairs) throws Exception {
        int setupCalls = 2; // the customer and the product
        List<String[]> calls = upstreams(setupCalls + 2 * pairs);
        for (int pair = 0; pair < pairs; pair++) {
            String[] write = calls.get(setupCalls + 2 * pair);
            String[] read = calls.get(setupCalls + 2 * pair + 1);
            assertEquals("GetOrder", read[0], "pair " + pair);
            assertNotEquals(write[1], read[1], "pair " + pair + ": " + write[0] + " and its read on one instance");
        }
    }

    private static void readBack(OrderServiceBlockingStub stub, Order written, List<String> stale) {
        try {
            Order read = stub.getOrder(GetOrderRequest.newBuilder().setOrderId(written.getId()).build());
            if (read.getStatus() != written.getStatus()) {
                stale.add("order " + written.getId() + " read " + read.getStatus() + " after " + written.getStatus());
            }
        } catch (StatusRuntimeException e) {
            if (e.getStatus().getCode() != Status.Code.NOT_FOUND) {
                throw e;
            }
            stale.add("order " + written.getId() + " not found after it was created");
        }
    }

    /** The method and the instance of each call, in the order nginx logged them. */
    private List<String[]> upstreams(int calls) throws Exception {
        List<String[]> logged = new ArrayList<>();
        for (String line : nginx.accessLog(calls)) {
            Matcher call = UPSTREAM.matcher(line);
            if (call.find()) {
                logged.add(new String[] {call.group(1), call.group(2)});
            }
        }
        assertTrue(logged.size() >= calls, logged.size() + " calls logged by nginx");
        return logged;
    }

    /** What a client does: keeps the largest orders-min-lsn it has received and sends it with every call. */
    private static final class LargestToken implements ClientInterceptor {

        private final AtomicLong largest = new AtomicLong();

        @Override
        public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
            return new SimpleForwardingClientCall<>(next.newCall(method, options)) {
                @Override
                public void start(Listener<R> listener, Metadata headers) {
                    long token = largest.get();
                    if (token > 0) {
                        headers.put(MIN_LSN, Long.toUnsignedString(token));
                    }
                    super.start(new SimpleForwardingClientCallListener<>(listener) {
                        @Override
                        public void onHeaders(Metadata responseHeaders) {
                            String received = responseHeaders.get(MIN_LSN);
                            if (received != null) {
                                largest.accumulateAndGet(Long.parseUnsignedLong(received),
                                                         (a, b) -> Long.compareUnsigned(a, b) >= 0 ? a : b);
                            }
                            super.onHeaders(responseHeaders);
                        }
                    }, headers);
                }
            };
        }
    }

    /** A stub whose deadline is 30 s from now, for one call. */
    private OrderServiceBlockingStub stub(ClientInterceptor tokens) {
        return OrderServiceGrpc.newBlockingStub(channel).withInterceptors(tokens).withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    private static Customer customer(OrderServiceBlockingStub stub) {
        return stub.createCustomer(CreateCustomerRequest.newBuilder()
                .setEmail(UUID.randomUUID() + "@example.com").setName("Across Instances").build());
    }

    private static Product product(OrderServiceBlockingStub stub) {
        return stub.createProduct(CreateProductRequest.newBuilder().setSku(UUID.randomUUID().toString())
                .setName("Token").setPriceCents(100).setStock(1_000_000).build());
    }

    /** An instance that reads on the standby while it is less than 10 s behind: it always is. */
    private static OrderServer startServer() {
        return ServiceFixture.startServer(Map.of(
                "db.url", postgres.primaryUrl(),
                "db.replica-url", postgres.standbyUrl(),
                "db.replica-max-lag", "PT10S",
                "db.user", "postgres",
                "db.password", ""));
    }
}
