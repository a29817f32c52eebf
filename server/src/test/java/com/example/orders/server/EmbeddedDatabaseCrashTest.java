package com.example.orders.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import com.example.orders.v1.CreateCustomerRequest;
import com.example.orders.v1.CreateOrderRequest;
import com.example.orders.v1.CreateProductRequest;
import com.example.orders.v1.GetOrderRequest;
import com.example.orders.v1.Order;
import com.example.orders.v1.OrderServiceGrpc;
import com.example.orders.v1.OrderServiceGrpc.OrderServiceBlockingStub;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/run's embedded PostgreSQL keeps every order it acknowledged through a crash: the server and
 * every PostgreSQL process are killed (SIGKILL) right after an acknowledgement, in the middle of a
 * stream of CreateOrder calls, and the server restarted on the same data directory returns each
 * acknowledged order whole. Only a process crash can be made here, which loses what PostgreSQL had
 * not yet written (synchronous_commit); that fsync and full_page_writes, which guard against an
 * operating system crash, are on is checked by asking the server. Slow: about 20 s (an initdb,
 * two server starts), more on a busy machine.
 */
class EmbeddedDatabaseCrashTest {

    private static final int CLIENTS = 4;

    @TempDir
    Path dataDir;

    @Test
    void everyAcknowledgedOrderSurvivesAKillOfTheServerAndItsPostgres() throws Exception {
        Map<String, String> embedded = Map.of("db.url", "", "db.embedded-data-dir", dataDir.toString());
        Map<Long, Order> acknowledged = new ConcurrentHashMap<>();
        try {
            try (ServerProcess server = ServerProcess.start(embedded)) {
                assertTrue(server.output().contains("Embedded PostgreSQL at"), server.output());
                placeOrdersThenCrash(server, acknowledged);
            }
            assertTrue(acknowledged.size() > 10, "orders acknowledged before the crash: " + acknowledged.size());

            try (ServerProcess server = ServerProcess.start(embedded)) {
                List<Long> lost = new ArrayList<>();
                withStub(server, stub -> acknowledged.forEach((id, order) -> {
                    try {
                        assertEquals(order, stub.getOrder(GetOrderRequest.newBuilder().setOrderId(id).build()));
                    } catch (StatusRuntimeException e) {
                        assertEquals(Status.Code.NOT_FOUND, e.getStatus().getCode(), () -> "order " + id + ": " + e);
                        lost.add(id);
                    }
                }));
                assertEquals(List.of(), lost.stream().sorted().toList(),
                             "of " + acknowledged.size() + " acknowledged orders, lost");
                assertEquals(List.of("on", "on", "on"), settings("fsync", "synchronous_commit", "full_page_writes"));
            }
        } finally {
            killPostgres(); // before @TempDir deletes its data
        }
    }

    /**
     * CreateOrder calls from several clients for about 2 s; then the client that has just been
     * answered kills PostgreSQL and the server, while the other calls are still in flight.
     */
    private void placeOrdersThenCrash(ServerProcess server, Map<Long, Order> acknowledged) throws Exception {
        withStub(server, stub -> {
            long customerId = stub.createCustomer(CreateCustomerRequest.newBuilder()
                    .setEmail("crash@example.com").setName("Crash").build()).getId();
            List<Long> productIds = IntStream.range(0, 2).mapToObj(i -> stub.createProduct(CreateProductRequest.newBuilder()
                    .setSku("CRASH-" + i).setName("Product " + i).setPriceCents(100 + i).setStock(1_000_000).build())
                    .getId()).toList();
            long crashAt = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
            AtomicBoolean crashed = new AtomicBoolean();
            AtomicInteger requests = new AtomicInteger();
            try (ExecutorService clients = Executors.newFixedThreadPool(CLIENTS)) {
                List<Future<?>> load = IntStream.range(0, CLIENTS).<Future<?>>mapToObj(i -> clients.submit(() -> {
                    while (!crashed.get()) {
                        CreateOrderRequest.Builder request = CreateOrderRequest.newBuilder()
                                .setCustomerId(customerId).setRequestId("crash-" + requests.incrementAndGet());
                        productIds.forEach(id -> request.addLines(ServiceFixture.line(id, 1)));
                        Order order;
                        try {
                            order = stub.createOrder(request.build());
                        } catch (StatusRuntimeException e) {
                            if (crashed.get()) {
                                return null;
                            }
                            throw e;
                        }
                        acknowledged.put(order.getId(), order);
                        if (System.nanoTime() > crashAt && crashed.compareAndSet(false, true)) {
                            killPostgres();
                            server.process().destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                        }
                    }
                    return null;
                })).toList();
                for (Future<?> client : load) {
                    client.get(60, TimeUnit.SECONDS);
                }
            }
        });
    }

    /** The values of these settings in the running embedded PostgreSQL. */
    private List<String> settings(String... names) throws IOException, SQLException {
        int port = Integer.parseInt(postmasterPid().get(3).trim());
        List<String> values = new ArrayList<>();
        try (Connection db = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres", "postgres", "");
             Statement statement = db.createStatement()) {
            for (String name : names) {
                try (ResultSet value = statement.executeQuery("SHOW " + name)) {
                    value.next();
                    values.add(value.getString(1));
                }
            }
        }
        return values;
    }

    /**
     * SIGKILLs the PostgreSQL of the data directory, if it runs: its postmaster (the first line of
     * postmaster.pid) and every process under it, at once, then waits until they are gone.
     */
    private void killPostgres() throws Exception {
        if (!Files.exists(dataDir.resolve("postmaster.pid"))) {
            return;
        }
        long pid = Long.parseLong(postmasterPid().getFirst().trim());
        List<ProcessHandle> postgres = ProcessHandle.of(pid)
                .filter(process -> process.info().command().orElse("").endsWith("postgres"))
                .map(postmaster -> Stream.concat(postmaster.descendants(), Stream.of(postmaster)).toList())
                .orElse(List.of());
        postgres.forEach(ProcessHandle::destroyForcibly);
        for (ProcessHandle process : postgres) {
            process.onExit().get(10, TimeUnit.SECONDS);
        }
    }

    private List<String> postmasterPid() throws IOException {
        return Files.readAllLines(dataDir.resolve("postmaster.pid"));
    }

    private interface StubUse {
        void run(OrderServiceBlockingStub stub) throws Exception;
    }

    /** Runs {@code use} with a stub whose calls must all end within 60 s. */
    private static void withStub(ServerProcess server, StubUse use) throws Exception {
        ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
        try {
            use.run(OrderServiceGrpc.newBlockingStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS));
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }
}
