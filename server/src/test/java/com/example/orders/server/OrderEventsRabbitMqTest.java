package com.example.orders.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import com.example.orders.server.EventConsumer.Delivery;
import com.example.orders.server.app.OrderServer;
import com.example.orders.v1.CancelOrderRequest;
import com.example.orders.v1.Customer;
import com.example.orders.v1.Order;
import com.example.orders.v1.OrderStatus;
import com.example.orders.v1.Product;
import com.example.orders.v1.UpdateOrderStatusRequest;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The relay of order events to the machine's RabbitMQ, and its faults: the broker away for a while,
 * the database failing between the broker's confirm and the relay's commit, the relay killed there.
 * The service's relay reaches the broker through a proxy the test can cut. Delivery is at least
 * once, in order per order, nothing lost.
 */
class OrderEventsRabbitMqTest {

    private static final URI BROKER = URI.create(EventConsumer.BROKER_URI);
    private static final TcpProxy brokerProxy = proxy();
    private static final String EXCHANGE = "orders-test-" + UUID.randomUUID();

    @RegisterExtension
    static final ServiceFixture service = new ServiceFixture(Map.of(
            "events.rabbitmq.uri", "amqp://" + BROKER.getUserInfo() + "@127.0.0.1:" + brokerProxy.port(),
            "events.rabbitmq.exchange", EXCHANGE));

    @AfterEach
    void brokerBackAndMarksFree() throws Exception {
        brokerProxy.restore();
        service.update("DROP TRIGGER IF EXISTS hold_mark ON order_events");
    }

    @AfterAll
    static void deleteExchange() throws Exception {
        EventConsumer.deleteExchange(EXCHANGE);
        brokerProxy.close();
    }

    @Test
    void everyEventIsPublishedOnceInOrderPerOrderByTwoRelaysAtOnce() throws Exception {
        TestDatabase database = TestDatabase.get();
        try (EventConsumer consumer = EventConsumer.of(EXCHANGE);
             OrderServer secondRelay = ServiceFixture.startServer(Map.of(
                     "db.url", service.schemaUrl(), "db.user", database.user(), "db.password", database.password(),
                     "events.rabbitmq.uri", EventConsumer.BROKER_URI, "events.rabbitmq.exchange", EXCHANGE));
             ExecutorService writers = Executors.newFixedThreadPool(4)) {
            Product product = service.product(100, 10_000);
            List<Future<Set<String>>> writing = new ArrayList<>();
            for (int w = 0; w < 4; w++) {
                writing.add(writers.submit(() -> changeOrders(service.customer(), product, 25)));
            }
            Set<String> expected = new HashSet<>();
            for (Future<Set<String>> events : writing) {
                expected.addAll(events.get(60, TimeUnit.SECONDS));
            }

            List<Delivery> deliveries = consumer.awaitAll(expected, 30).stream()
                    .filter(delivery -> expected.contains(EventConsumer.key(delivery.event())))
                    .toList();
            assertEquals(expected.size(), deliveries.size(), "each event once: " + duplicates(consumer));
            Map<Long, Integer> lastSequence = new HashMap<>();
            for (Delivery delivery : deliveries) {
                int previous = lastSequence.getOrDefault(delivery.event().getOrderId(), 0);
                assertEquals(previous + 1, delivery.event().getSequence(), "order " + delivery.event().getOrderId());
                lastSequence.put(delivery.event().getOrderId(), delivery.event().getSequence());
                assertEquals(String.valueOf(delivery.event().getEventId()), delivery.messageId());
                assertEquals("order." + delivery.event().getType().name().substring("ORDER_EVENT_TYPE_".length())
                        .toLowerCase(Locale.ROOT), delivery.routingKey());
            }
            awaitAllMarkedPublished();
        }
    }

    @Test
    void eventsWaitWhileTheBrokerIsAwayAndAllGoOutWhenItIsBack() throws Exception {
        try (EventConsumer consumer = EventConsumer.of(EXCHANGE)) {
            double publishedBefore = metric("order_events_published_total");
            brokerProxy.cut();
            Set<String> expected = changeOrders(service.customer(), service.product(100, 100), 20);
            Thread.sleep(2000);
            assertEquals(List.of(), consumer.deliveries(), "nothing can reach the broker");
            assertTrue(service.queryLong("SELECT count(*) FROM order_events WHERE published_at IS NULL") >= expected.size());
            assertTrue(metric("order_events_relay_seconds_since_success") >= 1.5, "the operator's alert grows");

            brokerProxy.restore();
            consumer.awaitAll(expected, 30);
            awaitAllMarkedPublished();
            assertTrue(metric("order_events_relay_seconds_since_success") < 1.5);
            assertTrue(metric("order_events_published_total") - publishedBefore >= expected.size());
        }
    }

    /**
     * The relay's transaction fails after the broker confirmed its batch and before it committed the
     * mark: the batch is published again, so at least once.
     */
    @Test
    void theDatabaseFailingBetweenConfirmAndCommitPublishesTheBatchAgain() throws Exception {
        try (EventConsumer consumer = EventConsumer.of(EXCHANGE)) {
            Set<String> expected = placeOrdersForOneBatch(5);
            holdMarksFor(30);
            brokerProxy.restore();
            consumer.awaitAll(expected, 30);
            awaitHeldRelaySessions(1);

            assertEquals(1, service.queryLong("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                    + "WHERE wait_event = 'PgSleep' AND application_name = '" + service.applicationName() + "'"));
            releaseMarks();

            awaitAllMarkedPublished();
            Map<String, Integer> counts = consumer.counts();
            expected.forEach(event -> assertEquals(2, counts.get(event), event + " published twice"));
        }
    }

    @Test
    void aRelayKilledBetweenConfirmAndCommitLosesNothing() throws Exception {
        TestDatabase database = TestDatabase.get();
        try (EventConsumer consumer = EventConsumer.of(EXCHANGE)) {
            Set<String> expected = placeOrdersForOneBatch(5); // the service's own relay stays out of it, cut off
            holdMarksFor(3);
            try (ServerProcess doomed = ServerProcess.start(Map.of(
                    "db.url", service.schemaUrl(), "db.user", database.user(), "db.password", database.password(),
                    "events.rabbitmq.uri", EventConsumer.BROKER_URI, "events.rabbitmq.exchange", EXCHANGE))) {
                consumer.awaitAll(expected, 30);
                awaitHeldRelaySessions(1);
                doomed.process().destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            releaseMarks(); // once the dead relay's transaction has ended, at most 3 s on
            assertEquals(expected.size(), service.queryLong("SELECT count(*) FROM order_events WHERE published_at IS NULL"),
                    "the killed relay marked nothing");

            brokerProxy.restore();
            awaitAllMarkedPublished();
            Map<String, Integer> counts = consumer.counts();
            expected.forEach(event -> assertEquals(2, counts.get(event), event + " published again"));
        }
    }

    /**
     * Places orders while the service's relay cannot reach the broker, and waits until they have their
     * ids: the next relay to claim takes their events, one each, in one batch.
     */
    private static Set<String> placeOrdersForOneBatch(int count) throws Exception {
        brokerProxy.cut();
        Customer customer = service.customer();
        Product product = service.product(100, 100);
        Set<String> events = new HashSet<>();
        for (int i = 0; i < count; i++) {
            events.add(EventConsumer.key(service.order(customer, product).getId(), 1));
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        String unsequenced = "SELECT count(*) FROM order_events WHERE position IS NULL";
        while (service.queryLong(unsequenced) > 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(0, service.queryLong(unsequenced), "events without an id");
        return events;
    }

    /** Places {@code count} orders, paying every second and cancelling every third; their events. */
    private static Set<String> changeOrders(Customer customer, Product product, int count) {
        Set<String> events = new HashSet<>();
        for (int i = 0; i < count; i++) {
            Order order = service.order(customer, product);
            events.add(EventConsumer.key(order.getId(), 1));
            int sequence = 1;
            if (i % 2 == 0) {
                service.stub().updateOrderStatus(UpdateOrderStatusRequest.newBuilder()
                        .setOrderId(order.getId()).setStatus(OrderStatus.ORDER_STATUS_PAID).build());
                events.add(EventConsumer.key(order.getId(), ++sequence));
            }
            if (i % 3 == 0) {
                service.stub().cancelOrder(CancelOrderRequest.newBuilder().setOrderId(order.getId()).build());
                events.add(EventConsumer.key(order.getId(), ++sequence));
            }
        }
        return events;
    }

    /** Makes the relay's mark sleep {@code seconds} before it returns: between the broker's confirm and the commit. */
    private static void holdMarksFor(int seconds) throws Exception {
        service.update("CREATE OR REPLACE FUNCTION hold_mark() RETURNS trigger LANGUAGE plpgsql AS "
                + "$$ BEGIN PERFORM pg_sleep(" + seconds + "); RETURN NULL; END $$");
        service.update("CREATE TRIGGER hold_mark AFTER UPDATE OF published_at ON order_events "
                + "FOR EACH STATEMENT EXECUTE FUNCTION hold_mark()");
    }

    private static void releaseMarks() throws Exception {
        service.update("DROP TRIGGER hold_mark ON order_events");
    }

    private static void awaitHeldRelaySessions(int expected) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        String count = "SELECT count(*) FROM pg_stat_activity WHERE wait_event = 'PgSleep' AND query LIKE '%published_at%'";
        while (service.queryLong(count) != expected && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(expected, service.queryLong(count), "relay sessions held in their mark");
    }

    private static void awaitAllMarkedPublished() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        String unpublished = "SELECT count(*) FROM order_events WHERE published_at IS NULL";
        while (service.queryLong(unpublished) > 0 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertEquals(0, service.queryLong(unpublished), "events not marked published");
    }

    private static Map<String, Integer> duplicates(EventConsumer consumer) {
        Map<String, Integer> duplicates = new HashMap<>(consumer.counts());
        duplicates.values().removeIf(count -> count == 1);
        return duplicates;
    }

    /** A metric of one series (Helidon labels it with its scope), as /observe/metrics gives it. */
    private static double metric(String name) throws Exception {
        try (HttpClient http = HttpClient.newHttpClient()) {
            String body = http.send(HttpRequest.newBuilder(URI.create(
                            "http://127.0.0.1:" + service.server().port() + "/observe/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            return body.lines().filter(line -> line.startsWith(name + " ") || line.startsWith(name + "{"))
                    .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("no metric " + name + " in\n" + body));
        }
    }

    private static TcpProxy proxy() {
        try {
            return TcpProxy.to(BROKER.getHost(), BROKER.getPort());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
