package com.example.orders.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import com.example.orders.v1.CreateProductRequest;
import com.example.orders.v1.GetOrderRequest;
import com.example.orders.v1.ListProductsRequest;
import com.example.orders.v1.ListProductsResponse;
import com.example.orders.v1.Order;
import com.example.orders.v1.OrderServiceGrpc;
import com.example.orders.v1.OrderServiceGrpc.OrderServiceBlockingStub;
import com.example.orders.v1.Product;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A unary response leaves in one socket write, HEADERS, DATA and trailers together, as grpc-java's
 * Netty server sends it; Helidon 4.5.0 writes each frame on its own, three writes (and TCP segments)
 * per call (UnaryResponseWrites). The writes are counted with JFR's {@code jdk.SocketWrite} events in
 * this JVM, where the server runs: Helidon writes to a blocking {@code java.net.Socket}, which records
 * one event per write.
 */
class UnaryResponseWritesTest {

    private static final int CALLS = 200;

    @RegisterExtension
    static final ServiceFixture service = new ServiceFixture();

    /**
     * On a channel of its own with a fixed flow-control window: grpc-java's default, a window tuned by
     * pinging the server (BDP pings), has the server answer a PING per call or so, a write of its own
     * that has nothing to do with the response.
     */
    @Test
    void aUnaryResponseLeavesInOneWrite() throws Exception {
        Order order = service.order(service.customer(), service.product(1250, 100));
        GetOrderRequest request = GetOrderRequest.newBuilder().setOrderId(order.getId()).build();
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", service.server().port())
                .usePlaintext()
                .flowControlWindow(1 << 20)
                .build();
        try {
            OrderServiceBlockingStub stub = OrderServiceGrpc.newBlockingStub(channel);
            for (int call = 0; call < 20; call++) { // the connection set up, its SETTINGS exchanged
                stub.getOrder(request);
            }
            assertOneWritePerCall(() -> assertEquals(order.getId(), stub.getOrder(request).getId()));
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    private static void assertOneWritePerCall(Runnable call) throws Exception {
        Map<Integer, Long> writesByPort = new TreeMap<>();
        try (Recording recording = new Recording()) {
            recording.enable("jdk.SocketWrite").withThreshold(Duration.ZERO).withoutStackTrace();
            recording.start();
            for (int i = 0; i < CALLS; i++) {
                call.run();
            }
            recording.stop();
            Path file = Files.createTempFile("socket-writes", ".jfr");
            try {
                recording.dump(file);
                for (RecordedEvent event : RecordingFile.readAllEvents(file)) {
                    writesByPort.merge(event.getInt("port"), 1L, Long::sum);
                }
            } finally {
                Files.delete(file);
            }
        }
        // Left: the server's writes to the client, whose port is the one with most writes. Not the
        // client's own writes to the server (its Netty transport may record them) nor the database's.
        Map<Integer, Long> serverWrites = new TreeMap<>(writesByPort);
        serverWrites.remove(service.server().port());
        serverWrites.remove(databasePort());
        long writes = serverWrites.values().stream().mapToLong(Long::longValue).max().orElse(0);
        double perCall = (double) writes / CALLS;
        assertTrue(perCall >= 1 && perCall < 1.2,
                   "writes per GetOrder to the client: " + perCall + " (by remote port: " + writesByPort + ")");
    }

    /**
     * A response over the 16 KiB frame size goes on in more DATA frames, whose writes may wait for the
     * client's window: its frames are not held. Answered at the same time as small ones on the same
     * connection, whose frames are, each arrives whole, and the connection serves on: a frame out of
     * order would fail it (HPACK header blocks are decoded in the order they were encoded).
     */
    @Test
    void largeAndSmallResponsesAtOnceOnOneConnectionArriveWhole() throws Exception {
        String name = "x".repeat(200);
        for (int product = 0; product < 100; product++) {
            service.stub().createProduct(CreateProductRequest.newBuilder()
                    .setSku("LARGE-" + product).setName(name).setPriceCents(100).setStock(1).build());
        }
        Order order = service.order(service.customer(), service.product(1250, 100));
        ListProductsRequest list = ListProductsRequest.newBuilder().setPageSize(100).build();
        ListProductsResponse page = service.stub().listProducts(list);
        assertTrue(page.getSerializedSize() > 16384, "a response over one frame: " + page.getSerializedSize());

        try (ExecutorService clients = Executors.newFixedThreadPool(8)) {
            List<Future<?>> calls = new ArrayList<>();
            for (int client = 0; client < 8; client++) {
                calls.add(clients.submit(() -> {
                    for (int call = 0; call < 50; call++) {
                        assertEquals(page, service.stub().listProducts(list));
                        Order read = service.stub().getOrder(GetOrderRequest.newBuilder().setOrderId(order.getId()).build());
                        assertEquals(order.getId(), read.getId());
                    }
                    return null;
                }));
            }
            for (Future<?> call : calls) {
                call.get();
            }
        }
        Product product = service.product(1, 1); // the connection still serves
        assertEquals(1, product.getStock());
    }

    private static int databasePort() {
        int port = URI.create(TestDatabase.get().url().substring("jdbc:".length())).getPort();
        return port == -1 ? 5432 : port;
    }
}
