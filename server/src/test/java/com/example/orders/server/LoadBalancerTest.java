package com.example.orders.server;

import static com.example.orders.server.ServiceFixture.line;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import com.example.orders.v1.CreateOrderRequest;
import com.example.orders.v1.Customer;
import com.example.orders.v1.ExportOrdersRequest;
import com.example.orders.v1.GetCustomerRequest;
import com.example.orders.v1.ListOrdersRequest;
import com.example.orders.v1.ListOrdersResponse;
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
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServiceResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two service instances, each its own JVM as in production, on one database behind nginx started by
 * deploy/nginx/up, called through it. The last two tests stop instances and start them again.
 */
@Tag("slow")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LoadBalancerTest {

    @RegisterExtension
    static final ServiceFixture service = new ServiceFixture();

    private static final Pattern CALL_COUNT =
            Pattern.compile("^grpc_server_call_duration_seconds_count\\{([^}]*)} (\\S+)$", Pattern.MULTILINE);

    private static Map<String, String> config;
    private static ServerProcess first;
    private static ServerProcess second;
    private static Nginx nginx;
    private static ManagedChannel proxied;

    @BeforeAll
    static void start() throws Exception {
        config = Map.of(
                "db.url", service.schemaUrl(),
                "db.user", TestDatabase.get().user(),
                "db.password", TestDatabase.get().password(),
                "service.paging.secret", "shared by the instances");
        first = ServerProcess.start(config);
        second = ServerProcess.start(config);
        nginx = Nginx.start(List.of(first.port(), second.port()));
        proxied = ManagedChannelBuilder.forAddress("127.0.0.1", nginx.port()).usePlaintext().build();
    }

    @AfterAll
    static void stop() throws Exception {
        if (proxied != null) {
            proxied.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        try (ServerProcess a = first; ServerProcess b = second; Nginx n = nginx) {
            // closed in reverse order
        }
    }

    @Test
    @org.junit.jupiter.api.Order(1)
    void unaryCallsStreamsReflectionAndHealthGoThroughAndLandOnBothInstances() throws Exception {
        Customer customer = service.customer();
        Product product = service.product(100, 1_000);
        long firstBefore = calls(first, "GetCustomer");
        long secondBefore = calls(second, "GetCustomer");
        for (int i = 0; i < 40; i++) {
            assertEquals(customer.getId(), stub(proxied).getCustomer(GetCustomerRequest.newBuilder().setId(customer.getId()).build()).getId());
        }
        long onFirst = calls(first, "GetCustomer") - firstBefore;
        long onSecond = calls(second, "GetCustomer") - secondBefore;
        assertEquals(40, onFirst + onSecond, "GetCustomer calls served by the two instances");
        assertTrue(onFirst >= 10 && onSecond >= 10, "round robin: " + onFirst + " and " + onSecond);

        List<Long> placed = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            placed.add(stub(proxied).createOrder(CreateOrderRequest.newBuilder().setCustomerId(customer.getId())
                    .setRequestId("export-" + i).addLines(line(product.getId(), 1)).build()).getId());
        }
        List<Long> exported = new ArrayList<>();
        Iterator<Order> export = stub(proxied).exportOrders(ExportOrdersRequest.newBuilder().setCustomerId(customer.getId()).build());
        export.forEachRemaining(order -> exported.add(order.getId()));
        assertEquals(placed, exported, "ExportOrders through nginx: every order, in id order");

        assertEquals(ServingStatus.SERVING, HealthGrpc.newBlockingStub(proxied).withDeadlineAfter(10, TimeUnit.SECONDS)
                .check(HealthCheckRequest.getDefaultInstance()).getStatus());
        assertEquals(Set.of("grpc.health.v1.Health", "grpc.reflection.v1.ServerReflection",
                            "grpc.reflection.v1alpha.ServerReflection", "orders.v1.OrderService"), listServices(proxied));
    }

    @Test
    @org.junit.jupiter.api.Order(2)
    void aPageTokenIssuedByOneInstanceIsAcceptedByTheOther() {
        Customer customer = service.customer();
        Product product = service.product(100, 1_000);
        for (int i = 0; i < 9; i++) {
            service.order(customer, product);
        }
        ManagedChannel toFirst = channel(first.port());
        ManagedChannel toSecond = channel(second.port());
        try {
            ListOrdersResponse fromFirst = page(toFirst, customer, "");
            ListOrdersResponse fromSecond = page(toSecond, customer, fromFirst.getNextPageToken());
            ListOrdersResponse backOnFirst = page(toFirst, customer, fromSecond.getNextPageToken());
            List<Long> direct = ids(fromFirst, fromSecond, backOnFirst);
            assertEquals(9, direct.size());
            assertEquals("", backOnFirst.getNextPageToken());

            // Through nginx, each page from whichever instance it picks.
            ListOrdersResponse one = page(proxied, customer, "");
            ListOrdersResponse two = page(proxied, customer, one.getNextPageToken());
            ListOrdersResponse three = page(proxied, customer, two.getNextPageToken());
            assertEquals(direct, ids(one, two, three));
        } finally {
            toFirst.shutdownNow();
            toSecond.shutdownNow();
        }
    }

    @Test
    @org.junit.jupiter.api.Order(3)
    void concurrentRetriesOfOneCreateOrderOnBothInstancesCreateOneOrder() throws Exception {
        Customer customer = service.customer();
        Product product = service.product(250, 100);
        long firstBefore = calls(first, "CreateOrder");
        long secondBefore = calls(second, "CreateOrder");
        CreateOrderRequest request = CreateOrderRequest.newBuilder().setCustomerId(customer.getId())
                .setRequestId("retried-through-nginx").addLines(line(product.getId(), 3)).build();

        ExecutorService clients = Executors.newFixedThreadPool(20);
        try {
            List<Future<Order>> answers = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                answers.add(clients.submit(() -> stub(proxied).createOrder(request)));
            }
            Set<Long> orderIds = ConcurrentHashMap.newKeySet();
            for (Future<Order> answer : answers) {
                orderIds.add(answer.get(60, TimeUnit.SECONDS).getId());
            }
            assertEquals(1, orderIds.size(), "every retry returns the one order");
        } finally {
            clients.shutdown();
        }
        assertTrue(calls(first, "CreateOrder") > firstBefore && calls(second, "CreateOrder") > secondBefore,
                   "the retries landed on both instances");
        assertEquals(1, service.queryLong("SELECT count(*) FROM orders WHERE request_id = 'retried-through-nginx'"));
        assertEquals(97, service.queryLong("SELECT stock FROM products WHERE id = " + product.getId()));
    }

    @Test
    @org.junit.jupiter.api.Order(4)
    void sigtermToOneInstanceUnderLoadLosesNoAcknowledgedOrderAndTheOtherCarriesOn() throws Exception {
        Customer customer = service.customer();
        Product product = service.product(100, 1_000_000);
        Map<String, Long> acknowledged = new ConcurrentHashMap<>(); // request id -> order id
        Map<Status.Code, Long> refusals = new ConcurrentHashMap<>();
        AtomicLong failedAfterExit = new AtomicLong();
        AtomicLong exitedAtNanos = new AtomicLong(Long.MAX_VALUE);
        AtomicBoolean running = new AtomicBoolean(true);
        ExecutorService clients = Executors.newFixedThreadPool(8);
        List<Future<?>> done = new ArrayList<>();
        for (int c = 0; c < 8; c++) {
            int client = c;
            done.add(clients.submit(() -> {
                for (int n = 0; running.get(); n++) {
                    String requestId = "sigterm-" + client + "-" + n;
                    CreateOrderRequest request = CreateOrderRequest.newBuilder().setCustomerId(customer.getId())
                            .setRequestId(requestId).addLines(line(product.getId(), 1)).build();
                    // Retried with the same request_id until acknowledged, as the API says of UNAVAILABLE.
                    while (true) {
                        long sent = System.nanoTime();
                        try {
                            acknowledged.put(requestId, stub(proxied).createOrder(request).getId());
                            break;
                        } catch (StatusRuntimeException e) {
                            refusals.merge(e.getStatus().getCode(), 1L, Long::sum);
                            if (sent > exitedAtNanos.get()) {
                                failedAfterExit.incrementAndGet();
                            }
                            if (e.getStatus().getCode() != Status.Code.UNAVAILABLE) {
                                throw e;
                            }
                            Thread.sleep(20);
                        }
                    }
                }
                return null;
            }));
        }
        long secondBefore;
        try {
            Thread.sleep(1_000);
            first.process().destroy(); // SIGTERM
            assertTrue(first.process().waitFor(30, TimeUnit.SECONDS), first.output());
            exitedAtNanos.set(System.nanoTime());
            assertEquals(0, first.process().exitValue(), first.output());
            secondBefore = calls(second, "CreateOrder");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (calls(second, "CreateOrder") < secondBefore + 200 && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
        } finally {
            running.set(false);
            for (Future<?> client : done) {
                client.get(60, TimeUnit.SECONDS);
            }
            clients.shutdown();
        }

        long carriedOn = calls(second, "CreateOrder") - secondBefore;
        assertTrue(carriedOn >= 200, "the other instance carried the calls on: " + carriedOn + " calls; refusals "
                   + refusals + ", nginx:\n" + nginx.errorLog());
        assertEquals(0, failedAfterExit.get(), "calls sent once the instance was gone failed; refusals: " + refusals);
        assertEquals(Set.of(), refusals.keySet().stream().filter(code -> code != Status.Code.UNAVAILABLE)
                .collect(Collectors.toSet()), "only UNAVAILABLE, which clients retry");
        // nginx took the instance out: it was refused a connection to it, or it marked it down at the first
        // failed call of its shutdown (a reset, its GOAWAY) and sent nothing more its way.
        assertTrue(nginx.errorLog().contains("Connection refused") || nginx.errorLog().contains("temporarily disabled"),
                   "nginx took the stopped instance out:\n" + nginx.errorLog());
        // Every acknowledged order is stored, whole, once; and no order is there that was not acknowledged.
        assertEquals(acknowledged.size(), service.queryLong("SELECT count(*) FROM orders WHERE request_id LIKE 'sigterm-%'"));
        assertEquals(acknowledged.size(), service.queryLong("SELECT count(DISTINCT o.id) FROM orders o "
                + "JOIN order_lines l ON l.order_id = o.id WHERE o.request_id LIKE 'sigterm-%' AND o.total_cents = 100"));
        assertEquals(1_000_000 - acknowledged.size(), service.queryLong("SELECT stock FROM products WHERE id = " + product.getId()));
    }

    /**
     * A rolling restart, as an operator does one behind the balancer: SIGTERM to one instance, start it
     * again on its port, wait until it takes calls, then the same for the other. Clients with the retry
     * policy docs/api.md gives and a 30 s deadline see no call fail: a draining instance refuses new
     * calls with UNAVAILABLE, which the channel retries, and nginx sends the next try elsewhere.
     */
    @Test
    @org.junit.jupiter.api.Order(5)
    void aRollingRestartUnderLoadFailsNoCallOfAClientWithTheRetryPolicy() throws Exception {
        first = restarted(first); // stopped by the test before
        awaitCalls(first, "GetCustomer", 10, nginx.port());
        Customer customer = service.customer();
        Product product = service.product(100, 1_000_000);
        Map<String, Long> acknowledged = new ConcurrentHashMap<>(); // request id -> order id
        Map<String, Long> failures = new ConcurrentHashMap<>();
        AtomicBoolean running = new AtomicBoolean(true);
        ManagedChannel retrying = ManagedChannelBuilder.forAddress("127.0.0.1", nginx.port()).usePlaintext()
                .defaultServiceConfig(OrderLoad.RETRY_POLICY).enableRetry().build();
        ExecutorService clients = Executors.newFixedThreadPool(8);
        List<Future<?>> done = new ArrayList<>();
        for (int c = 0; c < 8; c++) {
            int client = c;
            done.add(clients.submit(() -> {
                for (int n = 0; running.get(); n++) {
                    String requestId = "rolling-" + client + "-" + n;
                    try {
                        acknowledged.put(requestId, stub(retrying).createOrder(CreateOrderRequest.newBuilder()
                                .setCustomerId(customer.getId()).setRequestId(requestId)
                                .addLines(line(product.getId(), 1)).build()).getId());
                    } catch (StatusRuntimeException e) {
                        failures.merge(e.getStatus().toString(), 1L, Long::sum);
                    }
                }
            }));
        }
        try {
            Thread.sleep(500);
            second = restarted(second);
            awaitCalls(second, "CreateOrder", 20, 0);
            first = restarted(first);
            awaitCalls(first, "CreateOrder", 20, 0);
        } finally {
            running.set(false);
            for (Future<?> client : done) {
                client.get(60, TimeUnit.SECONDS);
            }
            clients.shutdown();
            retrying.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        assertEquals(Map.of(), failures, "calls failed after the channel's retries");
        assertTrue(acknowledged.size() > 100, acknowledged.size() + " orders acknowledged");
        assertEquals(acknowledged.size(), service.queryLong("SELECT count(*) FROM orders WHERE request_id LIKE 'rolling-%'"));
    }

    /**
     * {@code instance} stopped by SIGTERM (waiting for its exit, status 0) unless it has stopped
     * already, and started again on its port.
     */
    private static ServerProcess restarted(ServerProcess instance) throws Exception {
        if (instance.process().isAlive()) {
            instance.process().destroy(); // SIGTERM
            assertTrue(instance.process().waitFor(30, TimeUnit.SECONDS), instance.output());
            assertEquals(0, instance.process().exitValue(), instance.output());
        }
        int port = instance.port();
        instance.close();
        Map<String, String> samePort = new HashMap<>(config);
        samePort.put("server.port", String.valueOf(port));
        return ServerProcess.start(samePort);
    }

    /**
     * Waits until {@code instance} has answered {@code count} more calls of {@code method}: nginx sends
     * it calls again (it keeps an instance it was refused by out for 5 s). With {@code callThrough} a
     * port, makes GetCustomer calls through it meanwhile; with 0, other clients are making the calls.
     */
    private static void awaitCalls(ServerProcess instance, String method, int count, int callThrough) throws Exception {
        long before = calls(instance, method);
        Customer customer = callThrough == 0 ? null : service.customer();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (calls(instance, method) < before + count) {
            assertTrue(System.nanoTime() < deadline, "the restarted instance takes no " + method + " calls through nginx");
            if (customer != null) {
                stub(proxied).getCustomer(GetCustomerRequest.newBuilder().setId(customer.getId()).build());
            }
            Thread.sleep(50);
        }
    }

    private static OrderServiceBlockingStub stub(ManagedChannel channel) {
        return OrderServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    private static ManagedChannel channel(int port) {
        return ManagedChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
    }

    private static ListOrdersResponse page(ManagedChannel channel, Customer customer, String token) {
        return stub(channel).listOrders(ListOrdersRequest.newBuilder().setCustomerId(customer.getId())
                .setPageSize(4).setPageToken(token).build());
    }

    private static List<Long> ids(ListOrdersResponse... pages) {
        List<Long> ids = new ArrayList<>();
        for (ListOrdersResponse page : pages) {
            page.getOrdersList().forEach(order -> ids.add(order.getId()));
        }
        return ids;
    }

    /** Calls of {@code method} the instance has answered, whatever their status: its metrics. */
    private static long calls(ServerProcess instance, String method) throws Exception {
        String metrics;
        try (HttpClient http = HttpClient.newHttpClient()) {
            metrics = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + instance.port() + "/observe/metrics"))
                                        .header("Accept", "text/plain").build(), HttpResponse.BodyHandlers.ofString()).body();
        }
        long calls = 0;
        for (Matcher count = CALL_COUNT.matcher(metrics); count.find(); ) {
            if (count.group(1).contains("grpc_method=\"orders.v1.OrderService/" + method + "\"")) {
                calls += (long) Double.parseDouble(count.group(2));
            }
        }
        return calls;
    }

    private static Set<String> listServices(ManagedChannel channel) throws Exception {
        return Reflection.ask(channel, ServerReflectionRequest.newBuilder().setListServices("").build())
                .getListServicesResponse().getServiceList().stream().map(ServiceResponse::getName).collect(Collectors.toSet());
    }
}
