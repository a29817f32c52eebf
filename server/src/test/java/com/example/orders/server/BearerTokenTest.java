package com.example.orders.server;

import static com.example.orders.server.GrpcAssertions.assertStatus;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import com.example.orders.v1.GetCustomerRequest;
import com.example.orders.v1.OrderServiceGrpc;
import com.example.orders.v1.OrderServiceGrpc.OrderServiceBlockingStub;

import io.grpc.Metadata;
import io.grpc.Status.Code;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.stub.MetadataUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** With service.auth.token set, OrderService calls need the token; health stays open for probes. */
class BearerTokenTest {

    @RegisterExtension
    static final ServiceFixture service = new ServiceFixture(Map.of("service.auth.token", "s3cret-token"));

    private static final GetCustomerRequest UNKNOWN_CUSTOMER = GetCustomerRequest.newBuilder().setId(424242).build();

    @Test
    void aCallWithoutTheTokenIsUnauthenticated() {
        assertStatus(Code.UNAUTHENTICATED, "missing bearer token", () -> service.stub().getCustomer(UNKNOWN_CUSTOMER));
    }

    @Test
    void aCallWithAWrongTokenIsUnauthenticated() {
        assertStatus(Code.UNAUTHENTICATED, "invalid bearer token",
                () -> withAuthorization("Bearer not-the-token").getCustomer(UNKNOWN_CUSTOMER));
    }

    @Test
    void aCallWithTheTokenRuns() {
        assertStatus(Code.NOT_FOUND, "customer 424242 not found",
                () -> withAuthorization("Bearer s3cret-token").getCustomer(UNKNOWN_CUSTOMER));
    }

    /**
     * A call refused before its request has arrived must not end the connection: Helidon used to mark
     * its stream closed at once, and the request's DATA frame that followed failed the whole
     * connection with GOAWAY PROTOCOL_ERROR (a race: a few in a thousand calls).
     */
    @Test
    void twoThousandRefusedCallsOnOneConnectionAreEachRefused() throws Exception {
        OrderServiceBlockingStub wrongToken = withAuthorization("Bearer not-the-token");
        Map<Code, Long> codes = new ConcurrentHashMap<>();
        Map<Code, String> examples = new ConcurrentHashMap<>();
        try (ExecutorService callers = Executors.newFixedThreadPool(4)) {
            List<Future<?>> results = IntStream.range(0, 4).<Future<?>>mapToObj(caller -> callers.submit(() -> {
                for (int call = 0; call < 500; call++) {
                    try {
                        wrongToken.getCustomer(UNKNOWN_CUSTOMER);
                        codes.merge(Code.OK, 1L, Long::sum);
                    } catch (StatusRuntimeException e) {
                        codes.merge(e.getStatus().getCode(), 1L, Long::sum);
                        examples.putIfAbsent(e.getStatus().getCode(), e.getStatus().toString());
                    }
                }
            })).toList();
            for (Future<?> result : results) {
                result.get(60, TimeUnit.SECONDS);
            }
        }
        assertEquals(Map.of(Code.UNAUTHENTICATED, 2000L), codes, examples::toString);
    }

    @Test
    void healthNeedsNoToken() {
        assertEquals(ServingStatus.SERVING, HealthGrpc.newBlockingStub(service.channel())
                .withDeadlineAfter(10, TimeUnit.SECONDS)
                .check(HealthCheckRequest.getDefaultInstance()).getStatus());
    }

    private static OrderServiceBlockingStub withAuthorization(String value) {
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), value);
        return OrderServiceGrpc.newBlockingStub(service.channel())
                .withDeadlineAfter(10, TimeUnit.SECONDS)
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
    }
}
