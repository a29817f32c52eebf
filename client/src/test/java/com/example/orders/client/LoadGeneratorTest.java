package com.example.orders.client;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import com.example.orders.v1.GetOrderRequest;
import com.example.orders.v1.Order;
import com.example.orders.v1.OrderServiceGrpc;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The load generator against a stand-in server on a loopback port: an order for even ids, NOT_FOUND
 * for odd ones. Parsed or only counted, the responses come to the same bytes and statuses.
 */
class LoadGeneratorTest {

    private static final Order ORDER = Order.newBuilder().setId(2).setRequestId("r-2").setTotalCents(1234).build();
    private static final int CALLS = 400;

    private Server server;

    @BeforeEach
    void startServer() throws IOException {
        server = NettyServerBuilder.forPort(0).addService(new OrderServiceGrpc.OrderServiceImplBase() {
            @Override
            public void getOrder(GetOrderRequest request, StreamObserver<Order> responses) {
                if (request.getOrderId() % 2 == 1) {
                    responses.onError(Status.NOT_FOUND.withDescription("odd").asRuntimeException());
                    return;
                }
                responses.onNext(ORDER);
                responses.onCompleted();
            }
        }).build().start();
    }

    @AfterEach
    void stopServer() {
        server.shutdownNow();
    }

    @Test
    void parsedResponses() throws InterruptedException {
        assertCountedRight(run(true));
    }

    @Test
    void responsesOnlyCounted() throws InterruptedException {
        assertCountedRight(run(false));
    }

    private LoadResult run(boolean parse) throws InterruptedException {
        // ids 1 and 2 only: about half the calls fail
        Workload workload = new Workload(Workload.Rpc.GET_ORDER, 1, 1, 2, 1);
        LoadOptions options = new LoadOptions(workload, 4, 1, Duration.ZERO, Duration.ofSeconds(20), CALLS,
                                              Duration.ofSeconds(5), parse, Optional.empty());
        return LoadGenerator.run(new Endpoint("localhost:" + server.getPort(), false, Optional.empty(), Optional.empty()),
                                 options, new PrintStream(OutputStream.nullOutputStream()));
    }

    private static void assertCountedRight(LoadResult result) {
        assertEquals(CALLS, result.calls());
        long ok = result.statusCounts().getOrDefault("OK", 0L);
        assertEquals(Map.of("OK", ok, "NOT_FOUND", CALLS - ok), result.statusCounts());
        assertEquals(ok * ORDER.getSerializedSize(), result.responseBytes());
    }
}
