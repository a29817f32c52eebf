package com.example.orders.server;

import static com.example.orders.server.GrpcAssertions.assertStatus;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.TimeUnit;

import com.example.orders.v1.CreateCustomerRequest;
import com.example.orders.v1.OrderServiceGrpc;

import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status.Code;
import io.grpc.TlsChannelCredentials;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** TLS on the gRPC port from a configured key and certificate (here one a test CA signed). */
class TlsTest {

    private static final TestCertificates AUTHORITY = TestCertificates.authority("TlsTest CA");

    @RegisterExtension
    static final ServiceFixture service = new ServiceFixture(
            AUTHORITY.serverKey("dns:localhost", "ip:127.0.0.1").serverConfig());

    @Test
    void aClientTrustingTheAuthorityTalksOverTls() throws Exception {
        ManagedChannel channel = Grpc.newChannelBuilderForAddress("localhost", service.server().port(),
                TlsChannelCredentials.newBuilder().trustManager(AUTHORITY.caFile().toFile()).build()).build();
        try {
            assertEquals("Tls Client", OrderServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                    .createCustomer(CreateCustomerRequest.newBuilder().setEmail("tls@example.com").setName("Tls Client").build())
                    .getName());
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void aPlaintextClientIsNotServed() throws Exception {
        ManagedChannel plaintext = ManagedChannelBuilder.forAddress("localhost", service.server().port()).usePlaintext().build();
        try {
            assertStatus(Code.INTERNAL, "http2 exception", () -> OrderServiceGrpc.newBlockingStub(plaintext)
                    .withDeadlineAfter(10, TimeUnit.SECONDS)
                    .createCustomer(CreateCustomerRequest.newBuilder().setEmail("plain@example.com").setName("P").build()));
        } finally {
            plaintext.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }
}
