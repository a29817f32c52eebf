package com.example.orders.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;

import com.example.orders.v1.Customer;
import com.example.orders.v1.GetCustomerRequest;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * One connection carries any number of calls, many more than max-concurrent-streams. (Helidon 4.1.7
 * kept every finished gRPC stream and, after max-concurrent-streams of them, failed the connection.)
 */
class StreamReuseTest {

    private static final int MAX_CONCURRENT_STREAMS = 20;

    @RegisterExtension
    static final ServiceFixture service = new ServiceFixture(Map.of(
            "server.protocols.http_2.max-concurrent-streams", String.valueOf(MAX_CONCURRENT_STREAMS)));

    @Test
    void manyMoreSequentialCallsThanConcurrentStreamsOnOneChannelAllSucceed() {
        Customer customer = service.customer();
        GetCustomerRequest request = GetCustomerRequest.newBuilder().setId(customer.getId()).build();

        for (int call = 0; call < 10 * MAX_CONCURRENT_STREAMS; call++) {
            assertEquals(customer.getId(), service.stub().getCustomer(request).getId(), "call " + call);
        }
    }
}
