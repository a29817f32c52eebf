package com.example.orders.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import com.example.orders.v1.Customer;
import com.example.orders.v1.ExportOrdersRequest;
import com.example.orders.v1.GetCustomerRequest;
import com.example.orders.v1.Order;
import com.example.orders.v1.Product;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Helidon leaves Nagle's algorithm on unless told otherwise (application.yaml turns it off). With it
 * on, the later frames of each response wait for the client's delayed ACK, at least 40 ms on Linux, so
 * that every call one at a time takes 40 ms or more. Not a speed target: the stall is a protocol
 * constant, and a call here otherwise takes a few milliseconds. A unary response leaves in one write
 * (UnaryResponseWrites), which Nagle's algorithm does not hold back: a stream's messages, written one
 * by one, show the stall.
 */
class NagleTest {

    @RegisterExtension
    static final ServiceFixture service = new ServiceFixture();

    @Test
    void aCallDoesNotWaitForTheClientsDelayedAck() {
        GetCustomerRequest request = GetCustomerRequest.newBuilder().setId(service.customer().getId()).build();
        for (int i = 0; i < 5; i++) {
            service.stub().getCustomer(request);
        }
        long[] millis = new long[21];
        for (int i = 0; i < millis.length; i++) {
            long start = System.nanoTime();
            service.stub().getCustomer(request);
            millis[i] = (System.nanoTime() - start) / 1_000_000;
        }
        assertMedianBelow40(millis);
    }

    @Test
    void aStreamsMessagesDoNotWaitForTheClientsDelayedAck() {
        Customer customer = service.customer();
        Product product = service.product(100, 100);
        for (int order = 0; order < 3; order++) {
            service.order(customer, product);
        }
        ExportOrdersRequest request = ExportOrdersRequest.newBuilder().setCustomerId(customer.getId()).build();
        for (int i = 0; i < 5; i++) {
            service.stub().exportOrders(request).forEachRemaining(order -> { });
        }
        long[] millis = new long[21];
        for (int i = 0; i < millis.length; i++) {
            long start = System.nanoTime();
            List<Order> orders = new ArrayList<>();
            service.stub().exportOrders(request).forEachRemaining(orders::add);
            millis[i] = (System.nanoTime() - start) / 1_000_000;
            assertEquals(3, orders.size());
        }
        assertMedianBelow40(millis);
    }

    private static void assertMedianBelow40(long[] millis) {
        Arrays.sort(millis);
        assertTrue(millis[millis.length / 2] < 40, "median " + millis[millis.length / 2] + " ms: " + Arrays.toString(millis));
    }
}
