package com.example.orders.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import com.example.orders.v1.Customer;
import com.example.orders.v1.GetCustomerRequest;
import com.example.orders.v1.OrderServiceGrpc;
import com.example.orders.v1.OrderServiceGrpc.OrderServiceBlockingStub;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ClientInterceptors;
import io.grpc.ForwardingClientCall.SimpleForwardingClientCall;
import io.grpc.ForwardingClientCallListener.SimpleForwardingClientCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Responses go uncompressed to a client that only accepts gzip, as grpc-java clients announce by
 * default; a client that compresses its request is understood, and answered in gzip.
 */
class ResponseCompressionTest {

    private static final Metadata.Key<String> GRPC_ENCODING = Metadata.Key.of("grpc-encoding", Metadata.ASCII_STRING_MARSHALLER);

    @RegisterExtension
    static final ServiceFixture service = new ServiceFixture();

    private final AtomicReference<String> responseEncoding = new AtomicReference<>();

    @Test
    void aClientThatAcceptsGzipGetsItsResponseUncompressed() {
        Customer customer = service.customer();

        assertEquals(customer, stub().getCustomer(GetCustomerRequest.newBuilder().setId(customer.getId()).build()));
        assertEquals("identity", responseEncoding.get());
    }

    @Test
    void aClientThatCompressesItsRequestIsAnsweredInGzip() {
        Customer customer = service.customer();

        assertEquals(customer, stub().withCompression("gzip")
                .getCustomer(GetCustomerRequest.newBuilder().setId(customer.getId()).build()));
        assertEquals("gzip", responseEncoding.get());
    }

    /** A stub that notes the grpc-encoding of each response. */
    private OrderServiceBlockingStub stub() {
        Channel channel = ClientInterceptors.intercept(service.channel(), new ClientInterceptor() {
            @Override
            public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
                return new SimpleForwardingClientCall<>(next.newCall(method, options)) {
                    @Override
                    public void start(Listener<R> listener, Metadata headers) {
                        super.start(new SimpleForwardingClientCallListener<>(listener) {
                            @Override
                            public void onHeaders(Metadata responseHeaders) {
                                responseEncoding.set(responseHeaders.get(GRPC_ENCODING));
                                super.onHeaders(responseHeaders);
                            }
                        }, headers);
                    }
                };
            }
        });
        return OrderServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
    }
}
