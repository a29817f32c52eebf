package com.example.orders.server;

import static com.example.orders.server.GrpcAssertions.assertStatus;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.example.orders.v1.GetCustomerRequest;
import com.example.orders.v1.OrderServiceGrpc;
import com.example.orders.v1.OrderServiceGrpc.OrderServiceBlockingStub;

import io.grpc.Metadata;
import io.grpc.Status.Code;
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
