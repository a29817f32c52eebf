package com.example.orders.server;

import static com.example.orders.server.GrpcAssertions.assertStatus;
import static com.example.orders.server.ServiceFixture.line;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import com.example.orders.server.app.OrderServer;
import com.example.orders.v1.CancelOrderRequest;
import com.example.orders.v1.CreateOrderRequest;
import com.example.orders.v1.Customer;
import com.example.orders.v1.GetOrderRequest;
import com.example.orders.v1.Order;
import com.example.orders.v1.OrderEvent;
import com.example.orders.v1.OrderEventType;
import com.example.orders.v1.OrderStatus;
import com.example.orders.v1.Product;
import com.example.orders.v1.UpdateOrderStatusRequest;
import com.example.orders.v1.WatchOrderEventsRequest;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.Status.Code;
import io.grpc.StatusRuntimeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Order events: written by the changes, in their transactions, and read over WatchOrderEvents,
 * which replays, follows, and resumes without gaps or duplicates.
 */
class OrderEventsTest {

    private static final int MAX_WATCHERS = 3;

    @RegisterExtension
    static final ServiceFixture service = new ServiceFixture(Map.of(
            "service.max-concurrent-watchers", String.valueOf(MAX_WATCHERS)));

    @Test
    void aCreatedOrderHasOneEventThatCarriesTheOrder() throws Exception {
        Customer customer = service.customer();
        try (EventWatch watch = EventWatch.after(service.channel(), 0, customer.getId())) {
            Instant before = Instant.now();
            Order order = service.order(customer, service.product(250, 5));

            OrderEvent created = watch.next();
            assertEquals(OrderEventType.ORDER_EVENT_TYPE_CREATED, created.getType());
            assertEquals(order.getId(), created.getOrderId());
            assertEquals(1, created.getSequence());
            assertEquals(order, created.getOrder());
            assertTrue(created.getEventId() > 0);
            Instant occurred = Instant.ofEpochSecond(created.getOccurredAt().getSeconds(), created.getOccurredAt().getNanos());
            assertTrue(!occurred.isBefore(before.minusSeconds(1)) && !occurred.isAfter(Instant.now()), occurred::toString);
        }
    }

    @Test
    void statusChangesFollowInSequenceEachWithTheOrderAsItLeftIt() throws Exception {
        Customer customer = service.customer();
        Product product = service.product(100, 10);
        try (EventWatch watch = EventWatch.after(service.channel(), 0, customer.getId())) {
            Order shipped = service.order(customer, product);
            move(shipped, OrderStatus.ORDER_STATUS_PAID);
            move(shipped, OrderStatus.ORDER_STATUS_SHIPPED);
            Order cancelled = service.order(customer, product);
            move(cancelled, OrderStatus.ORDER_STATUS_PAID);
            cancel(cancelled);
            Order cancelledPending = service.order(customer, product);
            cancel(cancelledPending);

            List<OrderEvent> events = watch.next(8);
            assertEquals(List.of(
                    summary(shipped, 1, OrderEventType.ORDER_EVENT_TYPE_CREATED, OrderStatus.ORDER_STATUS_PENDING),
                    summary(shipped, 2, OrderEventType.ORDER_EVENT_TYPE_PAID, OrderStatus.ORDER_STATUS_PAID),
                    summary(shipped, 3, OrderEventType.ORDER_EVENT_TYPE_SHIPPED, OrderStatus.ORDER_STATUS_SHIPPED),
                    summary(cancelled, 1, OrderEventType.ORDER_EVENT_TYPE_CREATED, OrderStatus.ORDER_STATUS_PENDING),
                    summary(cancelled, 2, OrderEventType.ORDER_EVENT_TYPE_PAID, OrderStatus.ORDER_STATUS_PAID),
                    summary(cancelled, 3, OrderEventType.ORDER_EVENT_TYPE_CANCELLED, OrderStatus.ORDER_STATUS_CANCELLED),
                    summary(cancelledPending, 1, OrderEventType.ORDER_EVENT_TYPE_CREATED, OrderStatus.ORDER_STATUS_PENDING),
                    summary(cancelledPending, 2, OrderEventType.ORDER_EVENT_TYPE_CANCELLED, OrderStatus.ORDER_STATUS_CANCELLED)),
                    events.stream().map(OrderEventsTest::summary).toList());
            assertIncreasing(events);
        }
    }

    @Test
    void failedRefusedAndRepeatedCallsWriteNoEvent() throws Exception {
        Customer customer = service.customer();
        Product scarce = service.product(100, 1);
        try (EventWatch watch = EventWatch.after(service.channel(), 0, customer.getId())) {
            CreateOrderRequest first = createRequest(customer, scarce, 1);
            Order order = service.stub().createOrder(first);

            assertEquals(order, service.stub().createOrder(first), "a retry returns the order placed");
            assertStatus(Code.ALREADY_EXISTS, "request_id",
                    () -> service.stub().createOrder(first.toBuilder().setLines(0, line(scarce.getId(), 2)).build()));
            assertStatus(Code.FAILED_PRECONDITION, "insufficient stock",
                    () -> service.stub().createOrder(createRequest(customer, scarce, 1)));
            assertStatus(Code.FAILED_PRECONDITION, "cannot become SHIPPED",
                    () -> move(order, OrderStatus.ORDER_STATUS_SHIPPED));
            cancel(order);
            assertStatus(Code.FAILED_PRECONDITION, "cannot become CANCELLED", () -> cancel(order));
            Order last = service.order(customer, service.product(100, 1));

            // Events come in commit order: anything the refused calls wrote would come before the last.
            assertEquals(List.of(
                    summary(order, 1, OrderEventType.ORDER_EVENT_TYPE_CREATED, OrderStatus.ORDER_STATUS_PENDING),
                    summary(order, 2, OrderEventType.ORDER_EVENT_TYPE_CANCELLED, OrderStatus.ORDER_STATUS_CANCELLED),
                    summary(last, 1, OrderEventType.ORDER_EVENT_TYPE_CREATED, OrderStatus.ORDER_STATUS_PENDING)),
                    watch.next(3).stream().map(OrderEventsTest::summary).toList());
        }
        assertEquals(3, service.queryLong("SELECT count(*) FROM order_events WHERE customer_id = " + customer.getId()));
    }

    @Test
    void aChangeWhoseEventCannotBeWrittenIsRolledBackWhole() throws Exception {
        Product product = service.product(100, 5);
        Order order = service.order(service.customer(), product);
        // The PAID event's place is taken, so writing it fails: the payment must go with it.
        service.update("INSERT INTO order_events (order_id, customer_id, sequence, type, payload) VALUES ("
                + order.getId() + ", " + order.getCustomer().getId() + ", 2, 'PAID', '')");
        assertThrows(StatusRuntimeException.class, () -> move(order, OrderStatus.ORDER_STATUS_PAID));
        assertThrows(StatusRuntimeException.class, () -> cancel(order));

        assertEquals(OrderStatus.ORDER_STATUS_PENDING, service.stub().getOrder(
                GetOrderRequest.newBuilder().setOrderId(order.getId()).build()).getStatus());
        assertEquals(4, service.queryLong("SELECT stock FROM products WHERE id = " + product.getId()),
                "the cancel's restock rolled back with it");
    }

    @Test
    void eventsOfAllCustomersGetConsecutiveIdsInCommitOrder() throws Exception {
        Product product = service.product(100, 1_000);
        List<Customer> customers = List.of(service.customer(), service.customer(), service.customer());
        try (EventWatch watch = EventWatch.start(service.channel(), WatchOrderEventsRequest.getDefaultInstance());
             ExecutorService writers = Executors.newFixedThreadPool(customers.size())) {
            awaitFollowing(watch, customers.getFirst(), product);
            List<Future<List<Order>>> placed = customers.stream()
                    .map(customer -> writers.submit(() -> {
                        List<Order> orders = new ArrayList<>();
                        for (int i = 0; i < 20; i++) {
                            orders.add(service.order(customer, product));
                        }
                        return orders;
                    }))
                    .toList();
            Set<Long> expected = new HashSet<>();
            for (Future<List<Order>> orders : placed) {
                orders.get(60, TimeUnit.SECONDS).forEach(order -> expected.add(order.getId()));
            }

            List<OrderEvent> events = watch.next(expected.size());
            for (int i = 1; i < events.size(); i++) {
                assertEquals(events.get(i - 1).getEventId() + 1, events.get(i).getEventId(), "no gap, no repeat");
            }
            assertEquals(expected, new HashSet<>(events.stream().map(OrderEvent::getOrderId).toList()));
        }
    }

    @Test
    void aWatchThatResumesAfterItsLastEventMissesNothingAndRepeatsNothing() throws Exception {
        Customer customer = service.customer();
        Product product = service.product(100, 10_000);
        int writers = 4;
        int ordersEach = 40;
        try (ExecutorService pool = Executors.newFixedThreadPool(writers)) {
            List<Future<?>> writing = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                writing.add(pool.submit(() -> {
                    for (int i = 0; i < ordersEach; i++) {
                        Order order = service.order(customer, product);
                        if (i % 2 == 0) {
                            move(order, OrderStatus.ORDER_STATUS_PAID);
                        }
                    }
                    return null;
                }));
            }
            int expected = writers * ordersEach * 3 / 2;
            List<OrderEvent> received = new ArrayList<>();
            long last = 0;
            int reconnects = 0;
            while (received.size() < expected) {
                // A few events per connection, then cancel and come back after the last one, as a client
                // that loses its connection again and again would.
                try (EventWatch watch = EventWatch.after(service.channel(), last, customer.getId())) {
                    for (int i = 0; i < 7 && received.size() < expected; i++) {
                        OrderEvent event = watch.next();
                        received.add(event);
                        last = event.getEventId();
                    }
                }
                reconnects++;
            }
            for (Future<?> done : writing) {
                done.get(60, TimeUnit.SECONDS);
            }

            assertTrue(reconnects > 20, "reconnects: " + reconnects);
            assertIncreasing(received);
            Map<Long, List<Integer>> sequences = new HashMap<>();
            received.forEach(event -> sequences.computeIfAbsent(event.getOrderId(), id -> new ArrayList<>()).add(event.getSequence()));
            assertEquals(writers * ordersEach, sequences.size());
            sequences.values().forEach(seen -> assertTrue(seen.equals(List.of(1)) || seen.equals(List.of(1, 2)), seen::toString));
            assertEquals(expected, service.queryLong("SELECT count(*) FROM order_events WHERE customer_id = " + customer.getId()));
            try (EventWatch watch = EventWatch.after(service.channel(), last, customer.getId())) {
                assertNull(watch.poll(300), "nothing after the last event");
            }
        }
    }

    /**
     * An event's id is given once it has committed, in the order the events became visible: a change
     * that commits late still comes after what a watch has already seen, not below it, skipped.
     */
    @Test
    void anEventThatCommitsLateIsStillDelivered() throws Exception {
        Customer customer = service.customer();
        Product product = service.product(100, 10);
        Order early = service.order(customer, product);
        try (EventWatch watch = EventWatch.start(service.channel(), WatchOrderEventsRequest.newBuilder()
                .setCustomerId(customer.getId()).setAfterEventId(0).build());
             Connection slowWriter = service.connectToSchema()) {
            assertEquals(early.getId(), watch.next().getOrderId());
            slowWriter.setAutoCommit(false);
            try (PreparedStatement insert = slowWriter.prepareStatement(
                    "INSERT INTO order_events (order_id, customer_id, sequence, type, payload) VALUES (?, ?, 2, 'PAID', ?)")) {
                insert.setLong(1, early.getId());
                insert.setLong(2, customer.getId());
                insert.setBytes(3, early.toBuilder().setStatus(OrderStatus.ORDER_STATUS_PAID).build().toByteArray());
                insert.executeUpdate(); // its row id is drawn now, before the next order's
            }
            Order later = service.order(customer, product);
            OrderEvent laterEvent = watch.next();
            assertEquals(later.getId(), laterEvent.getOrderId());

            slowWriter.commit();
            OrderEvent lateEvent = watch.next();
            assertEquals(early.getId(), lateEvent.getOrderId());
            assertEquals(OrderEventType.ORDER_EVENT_TYPE_PAID, lateEvent.getType());
            assertTrue(lateEvent.getEventId() > laterEvent.getEventId());
        }
    }

    /** A row the service did not write, whose payload is no Order, must not stop the events behind it. */
    @Test
    void anEventWhosePayloadIsNoOrderGoesOutWithoutItAndTheNextOnesFollow() throws Exception {
        Customer customer = service.customer();
        Product product = service.product(100, 10);
        Order damaged = service.order(customer, product);
        try (EventWatch watch = EventWatch.start(service.channel(), WatchOrderEventsRequest.newBuilder()
                .setCustomerId(customer.getId()).setAfterEventId(0).build())) {
            assertEquals(damaged.getId(), watch.next().getOrderId());
            service.update("INSERT INTO order_events (order_id, customer_id, sequence, type, payload) VALUES ("
                    + damaged.getId() + ", " + customer.getId() + ", 2, 'PAID', decode('abababab', 'hex'))");
            Order next = service.order(customer, product);

            OrderEvent withoutOrder = watch.next();
            assertEquals(damaged.getId(), withoutOrder.getOrderId());
            assertEquals(OrderEventType.ORDER_EVENT_TYPE_PAID, withoutOrder.getType());
            assertFalse(withoutOrder.hasOrder(), "what the row holds is no order");
            assertEquals(next, watch.next().getOrder(), "the events behind it follow");
        }
    }

    @Test
    void aWatchWithoutAfterEventIdGetsOnlyWhatHappensFromThen() throws Exception {
        Customer customer = service.customer();
        Product product = service.product(100, 100);
        Order before = service.order(customer, product);
        awaitSequenced(before); // the watch starts after the last event with an id
        try (EventWatch watch = EventWatch.start(service.channel(), WatchOrderEventsRequest.newBuilder()
                .setCustomerId(customer.getId()).build())) {
            OrderEvent first = awaitFollowing(watch, customer, product);
            assertNotEquals(before.getId(), first.getOrderId());
            Order next = service.order(customer, product);
            assertEquals(next.getId(), watch.next().getOrderId());
        }
    }

    @Test
    void watchersBeyondTheLimitAreRefusedAndTheirSlotsComeBack() throws Exception {
        List<EventWatch> watches = new ArrayList<>();
        try {
            for (int i = 0; i <= MAX_WATCHERS; i++) {
                watches.add(EventWatch.start(service.channel(), WatchOrderEventsRequest.getDefaultInstance()));
            }
            EventWatch refused = awaitOneEnded(watches);
            assertEquals(Code.RESOURCE_EXHAUSTED, refused.end().getCode());
            assertTrue(refused.end().getDescription().contains("already " + MAX_WATCHERS + " WatchOrderEvents calls"),
                    refused.end()::toString);
            watches.remove(refused);
            watches.stream().filter(EventWatch::ended).findAny().ifPresent(w -> assertNull(w, "a second refused"));

            watches.removeFirst().close();
            EventWatch again = startAdmitted();
            watches.add(again);
            Customer customer = service.customer();
            awaitFollowing(again, customer, service.product(100, 10));
        } finally {
            watches.forEach(EventWatch::close);
        }
    }

    @Test
    void badWatchRequestsAreRefusedNamingTheField() {
        assertStatus(Code.INVALID_ARGUMENT, "after_event_id must be an event_id, or 0 for every stored event, got -1",
                () -> service.stub().watchOrderEvents(WatchOrderEventsRequest.newBuilder().setAfterEventId(-1).build()).hasNext());
        assertStatus(Code.INVALID_ARGUMENT, "customer_id",
                () -> service.stub().watchOrderEvents(WatchOrderEventsRequest.newBuilder().setCustomerId(-5).build()).hasNext());
        assertStatus(Code.OUT_OF_RANGE, "after_event_id 9000000000 was never given",
                () -> service.stub().watchOrderEvents(WatchOrderEventsRequest.newBuilder().setAfterEventId(9_000_000_000L).build()).hasNext());
    }

    @Test
    void stoppingTheServerEndsItsWatchesAtOnceWithUnavailable() throws Exception {
        service.order(service.customer(), service.product(100, 1));
        TestDatabase database = TestDatabase.get();
        OrderServer server = ServiceFixture.startServer(Map.of(
                "db.url", service.schemaUrl(), "db.user", database.user(), "db.password", database.password()));
        ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
        try (EventWatch watch = EventWatch.start(channel, WatchOrderEventsRequest.newBuilder().setAfterEventId(0).build())) {
            watch.next(); // the stored events replay: the watch runs
            long start = System.nanoTime();
            server.close();
            Duration stop = Duration.ofNanos(System.nanoTime() - start);

            Status end = watch.end();
            assertEquals(Code.UNAVAILABLE, end.getCode(), end::toString);
            assertTrue(end.getDescription().contains("after_event_id"), end::toString);
            assertTrue(stop.compareTo(Duration.ofSeconds(3)) < 0, "stopped in " + stop + ", not after the grace period");
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    /**
     * Places orders until the watch sends one: from then on it follows (its start position is set on
     * the server, at a moment the client cannot see). The first event it sent.
     */
    private static OrderEvent awaitFollowing(EventWatch watch, Customer customer, Product product) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            service.order(customer, product);
            OrderEvent event = watch.poll(200);
            if (event != null) {
                // Drain what the other orders placed here sent, so that the caller sees only its own.
                while (watch.poll(300) != null) {
                    Thread.onSpinWait();
                }
                return event;
            }
        }
        throw new AssertionError("the watch sent nothing in 10 s");
    }

    private static void awaitSequenced(Order order) throws Exception {
        String unsequenced = "SELECT count(*) FROM order_events WHERE position IS NULL AND order_id = " + order.getId();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (service.queryLong(unsequenced) > 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(0, service.queryLong(unsequenced), "the order's event has no id yet");
    }

    private static EventWatch awaitOneEnded(List<EventWatch> watches) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < deadline) {
            for (EventWatch watch : watches) {
                if (watch.ended()) {
                    return watch;
                }
            }
            Thread.sleep(10);
        }
        throw new AssertionError("no watch beyond the limit was refused");
    }

    /** A new watch, retried while the slot a cancelled one held is given back. */
    private static EventWatch startAdmitted() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (true) {
            EventWatch watch = EventWatch.start(service.channel(), WatchOrderEventsRequest.getDefaultInstance());
            Thread.sleep(100);
            if (!watch.ended()) {
                return watch;
            }
            assertEquals(Code.RESOURCE_EXHAUSTED, watch.end().getCode());
            assertTrue(System.nanoTime() < deadline, "the cancelled watch's slot did not come back");
        }
    }

    private static void assertIncreasing(List<OrderEvent> events) {
        for (int i = 1; i < events.size(); i++) {
            assertTrue(events.get(i).getEventId() > events.get(i - 1).getEventId(),
                    "event " + i + " " + events.get(i).getEventId() + " after " + events.get(i - 1).getEventId());
        }
    }

    private static CreateOrderRequest createRequest(Customer customer, Product product, int quantity) {
        return CreateOrderRequest.newBuilder()
                .setCustomerId(customer.getId())
                .setRequestId(UUID.randomUUID().toString())
                .addLines(line(product.getId(), quantity))
                .build();
    }

    private static Order move(Order order, OrderStatus status) {
        return service.stub().updateOrderStatus(UpdateOrderStatusRequest.newBuilder()
                .setOrderId(order.getId()).setStatus(status).build());
    }

    private static Order cancel(Order order) {
        return service.stub().cancelOrder(CancelOrderRequest.newBuilder().setOrderId(order.getId()).build());
    }

    private static String summary(Order order, int sequence, OrderEventType type, OrderStatus status) {
        return order.getId() + "/" + sequence + " " + type + " " + status;
    }

    private static String summary(OrderEvent event) {
        assertEquals(event.getOrderId(), event.getOrder().getId());
        return summary(event.getOrder(), event.getSequence(), event.getType(), event.getOrder().getStatus());
    }
}
