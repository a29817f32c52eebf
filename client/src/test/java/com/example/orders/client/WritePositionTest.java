package com.example.orders.client;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import com.example.orders.v1.CreateOrderRequest;
import com.example.orders.v1.ExportOrdersRequest;
import com.example.orders.v1.GetOrderRequest;
import com.example.orders.v1.OrderServiceGrpc;
import com.example.orders.v1.OrderServiceGrpc.OrderServiceBlockingStub;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What the client sends back of the positions it is given, against a stand-in service in memory. */
class WritePositionTest {

    private static final String LARGEST = "18446744073709551615"; // 2^64 - 1: a negative long

    private final StandInPositions standIn = new StandInPositions();
    private final Queue<String> replies = standIn.replies;
    private final List<String> sent = standIn.sent;
    private final String name = "write-position-" + UUID.randomUUID();
    private final List<ManagedChannel> channels = new ArrayList<>();
    private Server server;

    @BeforeEach
    void startServer() throws IOException {
        server = InProcessServerBuilder.forName(name).directExecutor().addService(standIn.service()).build().start();
    }

    @AfterEach
    void stopServer() throws InterruptedException {
        for (ManagedChannel channel : channels) {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    @Test
    void nothingIsSentBeforeAPositionCame() {
        OrderServiceBlockingStub orders = stub(new WritePosition(OptionalLong.empty()));

        orders.getOrder(GetOrderRequest.getDefaultInstance());
        orders.getOrder(GetOrderRequest.getDefaultInstance());

        assertEquals(List.of("-", "-"), sent);
    }

    @Test
    void theFurthestPositionIsSentOnEveryCallAfterIt() {
        WritePosition position = new WritePosition(OptionalLong.empty());
        OrderServiceBlockingStub orders = stub(position);
        replies.addAll(List.of("100", "5", "0100", "101"));

        for (int call = 0; call < 5; call++) {
            orders.createOrder(CreateOrderRequest.getDefaultInstance());
        }

        assertEquals(List.of("-", "100", "100", "100", "101"), sent);
        assertEquals(OptionalLong.of(101), position.get());
    }

    @Test
    void positionsAreComparedAsUnsigned64BitNumbers() {
        WritePosition position = new WritePosition(OptionalLong.empty());
        OrderServiceBlockingStub orders = stub(position);
        replies.addAll(List.of("9223372036854775807", LARGEST, "9223372036854775808", "200"));

        for (int call = 0; call < 5; call++) {
            orders.createOrder(CreateOrderRequest.getDefaultInstance());
        }

        assertEquals(List.of("-", "9223372036854775807", LARGEST, LARGEST, LARGEST), sent);
        assertEquals(Long.parseUnsignedLong(LARGEST), position.get().orElseThrow());
    }

    @Test
    void valuesThatAreNoPositionAreIgnored() {
        OrderServiceBlockingStub orders = stub(new WritePosition(OptionalLong.empty()));
        replies.addAll(List.of("7", "18446744073709551616", "-1", "+9", "9a", "0x10", "", "1e3"));

        for (int call = 0; call < 9; call++) {
            orders.createOrder(CreateOrderRequest.getDefaultInstance());
        }

        assertEquals(List.of("-", "7", "7", "7", "7", "7", "7", "7", "7"), sent);
    }

    @Test
    void streamingCallsCarryItToo() {
        OrderServiceBlockingStub orders = stub(new WritePosition(OptionalLong.empty()));
        replies.add("42");

        orders.createOrder(CreateOrderRequest.getDefaultInstance());
        orders.exportOrders(ExportOrdersRequest.getDefaultInstance()).forEachRemaining(order -> { });

        assertEquals(List.of("-", "42"), sent);
    }

    @Test
    void aPositionKeptFromBeforeIsSentFromTheFirstCall() {
        OrderServiceBlockingStub orders = stub(new WritePosition(OptionalLong.of(Long.parseUnsignedLong(LARGEST))));
        replies.add("3");

        orders.createOrder(CreateOrderRequest.getDefaultInstance());
        orders.getOrder(GetOrderRequest.getDefaultInstance());

        assertEquals(List.of(LARGEST, LARGEST), sent);
    }

    @Test
    void channelsThatShareItShareThePosition() {
        WritePosition position = new WritePosition(OptionalLong.empty());
        OrderServiceBlockingStub writer = stub(position);
        OrderServiceBlockingStub reader = stub(position);
        replies.add("64");

        writer.createOrder(CreateOrderRequest.getDefaultInstance());
        reader.getOrder(GetOrderRequest.getDefaultInstance());

        assertEquals(List.of("-", "64"), sent);
    }

    @Test
    void parsesUnsignedDecimalsOnly() {
        assertEquals(OptionalLong.of(0), WritePosition.parse("0"));
        assertEquals(OptionalLong.of(7), WritePosition.parse("007"));
        assertEquals(OptionalLong.of(-1), WritePosition.parse(LARGEST));
        for (String bad : List.of("", "+1", "-1", " 1", "1 ", "18446744073709551616", "0x1", "1.0")) {
            assertEquals(OptionalLong.empty(), WritePosition.parse(bad), "'" + bad + "'");
        }
    }

    /** A stub on a channel of its own with {@code position} installed, as the CLI's and load generator's are. */
    private OrderServiceBlockingStub stub(WritePosition position) {
        ManagedChannel channel = InProcessChannelBuilder.forName(name).directExecutor().intercept(position).build();
        channels.add(channel);
        return OrderServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
    }
}
