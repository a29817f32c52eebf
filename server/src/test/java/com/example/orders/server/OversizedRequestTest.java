package com.example.orders.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import com.example.orders.v1.CreateCustomerRequest;
import com.example.orders.v1.OrderServiceGrpc;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.stub.StreamObserver;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Requests over server.protocols.grpc.max-read-buffer-size (256 KiB) are refused on their length
 * prefix, before they are read: RESOURCE_EXHAUSTED at once, one log line, and the connection and the
 * other calls on it go on.
 */
class OversizedRequestTest {

    private static final int MAX_REQUEST_BYTES = 256 * 1024;

    @RegisterExtension
    static final ServiceFixture service = new ServiceFixture();

    @ParameterizedTest
    @ValueSource(ints = {300 * 1024, 5 * 1024 * 1024, 50 * 1024 * 1024})
    void isRefusedAtOnceAndTheConnectionGoesOn(int size) throws Exception {
        CreateCustomerRequest request = CreateCustomerRequest.newBuilder()
                .setEmail("big@example.com").setName("x".repeat(size)).build();
        ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", service.server().port())
                .usePlaintext().maxInboundMessageSize(Integer.MAX_VALUE).build();
        try (Reflection witness = new Reflection(channel)) {
            witness.listServices(); // a stream in flight on the connection
            StatusRuntimeException refused;
            long start = System.nanoTime();
            try (LogRecords log = new LogRecords("orders.access")) {
                refused = assertThrows(StatusRuntimeException.class,
                        () -> OrderServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                                .createCustomer(request));
                Duration took = Duration.ofNanos(System.nanoTime() - start);

                assertEquals(Status.Code.RESOURCE_EXHAUSTED, refused.getStatus().getCode(), refused::toString);
                assertEquals("request exceeds the maximum of " + MAX_REQUEST_BYTES + " bytes",
                             refused.getStatus().getDescription());
                // Answered, not left to its deadline. Not a tighter bound: the time holds the client's
                // serializing up to 50 MB before the first byte of it leaves, which took up to 1.7 s on
                // a machine busy with builds; a server that read the whole request first would answer
                // within the same second, so a bound in seconds could not tell the two apart anyway.
                assertTrue(took.compareTo(Duration.ofSeconds(5)) < 0, "answered after " + took + ", deadline 10 s");
                assertEquals(List.of("CreateCustomer RESOURCE_EXHAUSTED"), log.all().stream()
                        .map(record -> record.getMessage().replaceAll(" [0-9.]+ ms.*", ""))
                        .toList(), "what the server logged");
            }
            assertEquals(4, witness.listServices(), "the stream in flight goes on");
            assertEquals("big@example.com", OrderServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                    .createCustomer(request.toBuilder().setEmail(size + "@example.com").setName("Small").build())
                    .getEmail().replace(String.valueOf(size), "big"), "the connection serves the next call");
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    /** A reflection stream kept open: each listServices asks on it and counts the services. */
    private static final class Reflection implements StreamObserver<ServerReflectionResponse>, AutoCloseable {

        private final BlockingQueue<Object> responses = new LinkedBlockingQueue<>();
        private final StreamObserver<ServerReflectionRequest> requests;

        Reflection(ManagedChannel channel) {
            requests = ServerReflectionGrpc.newStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS)
                    .serverReflectionInfo(this);
        }

        int listServices() throws InterruptedException {
            requests.onNext(ServerReflectionRequest.newBuilder().setListServices("").build());
            Object response = responses.poll(10, TimeUnit.SECONDS);
            if (response instanceof ServerReflectionResponse reflection) {
                return reflection.getListServicesResponse().getServiceCount();
            }
            throw new AssertionError("the reflection stream ended: " + response);
        }

        @Override
        public void onNext(ServerReflectionResponse value) {
            responses.add(value);
        }

        @Override
        public void onError(Throwable t) {
            responses.add(t);
        }

        @Override
        public void onCompleted() {
            responses.add("completed");
        }

        @Override
        public void close() {
            requests.onCompleted();
        }
    }
}
