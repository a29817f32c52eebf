package com.example.orders.server;

import static com.example.orders.server.GrpcAssertions.assertStatus;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;

import com.example.orders.v1.Customer;
import com.example.orders.v1.Order;
import com.example.orders.v1.OrderEvent;
import com.example.orders.v1.Product;
import com.example.orders.v1.WatchOrderEventsRequest;

import io.grpc.Status.Code;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Events older than events.retention are pruned; a watch that would miss some is told so. */
class OrderEventRetentionTest {

    @RegisterExtension
    static final ServiceFixture service = new ServiceFixture(Map.of("events.retention", "PT1S"));

    @Test
    void oldEventsArePrunedButIdsGoOnAndAWatchThatWouldMissSomeIsRefused() throws Exception {
        Customer customer = service.customer();
        Product product = service.product(100, 10);
        long last = 0;
        try (EventWatch watch = EventWatch.after(service.channel(), 0, customer.getId())) {
            for (int i = 0; i < 3; i++) {
                service.order(customer, product);
                last = watch.next().getEventId();
            }
        }

        awaitHeldEvents(1); // the last one stays: the ids go on from it
        assertEquals(last, service.queryLong("SELECT position FROM order_events"));

        assertStatus(Code.OUT_OF_RANGE, "after_event_id 0 is too old: the events up to " + (last - 1) + " are pruned",
                () -> service.stub().watchOrderEvents(WatchOrderEventsRequest.newBuilder().setAfterEventId(0).build()).hasNext());
        try (EventWatch watch = EventWatch.after(service.channel(), last - 1, 0)) {
            assertEquals(last, watch.next().getEventId(), "what is held replays");
            Order next = service.order(customer, product);
            OrderEvent event = watch.next();
            assertEquals(next.getId(), event.getOrderId());
            assertEquals(last + 1, event.getEventId());
        }
    }

    private static void awaitHeldEvents(long expected) throws Exception {
        long deadline = System.nanoTime() + 10_000_000_000L;
        long held = service.queryLong("SELECT count(*) FROM order_events");
        while (held != expected && System.nanoTime() < deadline) {
            Thread.sleep(100);
            held = service.queryLong("SELECT count(*) FROM order_events");
        }
        assertEquals(expected, held, "events held after the retention");
    }
}
