package com.example.orders.server;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import com.example.orders.v1.OrderEvent;
import com.google.protobuf.InvalidProtocolBufferException;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;

/**
 * A consumer of the order events exchange on the machine's RabbitMQ (TEST_RABBITMQ_URI, else
 * guest on 127.0.0.1:5672), as another system would be: a queue of its own bound to every routing
 * key. Keeps every delivery, duplicates included.
 */
final class EventConsumer implements AutoCloseable {

    static final String BROKER_URI = System.getenv().getOrDefault("TEST_RABBITMQ_URI", "amqp://guest:guest@127.0.0.1:5672");

    /** One message as it arrived. */
    record Delivery(String messageId, String routingKey, OrderEvent event) {
    }

    private final Connection connection;
    private final List<Delivery> deliveries = new ArrayList<>();

    private EventConsumer(Connection connection) {
        this.connection = connection;
    }

    /** Declares {@code exchange} as the relay does, and starts consuming from it. */
    static EventConsumer of(String exchange) throws Exception {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setUri(BROKER_URI);
        Connection connection = factory.newConnection("order-events-test-consumer");
        Channel channel = connection.createChannel();
        channel.exchangeDeclare(exchange, "topic", true);
        String queue = channel.queueDeclare().getQueue(); // server-named, exclusive, gone with the connection
        channel.queueBind(queue, exchange, "#");
        EventConsumer consumer = new EventConsumer(connection);
        channel.basicConsume(queue, true, (tag, message) -> consumer.add(new Delivery(
                message.getProperties().getMessageId(), message.getEnvelope().getRoutingKey(), parse(message.getBody()))),
                tag -> { });
        return consumer;
    }

    private synchronized void add(Delivery delivery) {
        deliveries.add(delivery);
        notifyAll();
    }

    synchronized List<Delivery> deliveries() {
        return List.copyOf(deliveries);
    }

    /**
     * Waits up to {@code seconds} until every one of these events, named by {@link #key}, has arrived
     * at least once; all the deliveries then.
     */
    synchronized List<Delivery> awaitAll(Set<String> keys, long seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        Set<String> missing = missing(keys);
        while (!missing.isEmpty()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError(missing.size() + " of " + keys.size() + " events not delivered in "
                        + seconds + " s, e.g. " + missing.iterator().next());
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
            missing = missing(keys);
        }
        return List.copyOf(deliveries);
    }

    /** An event by its order and its place among the order's events. */
    static String key(long orderId, int sequence) {
        return orderId + "/" + sequence;
    }

    static String key(OrderEvent event) {
        return key(event.getOrderId(), event.getSequence());
    }

    private Set<String> missing(Set<String> keys) {
        Set<String> missing = new HashSet<>(keys);
        deliveries.forEach(delivery -> missing.remove(key(delivery.event())));
        return missing;
    }

    /** How many times each event arrived, by {@link #key}. */
    synchronized Map<String, Integer> counts() {
        Map<String, Integer> counts = new HashMap<>();
        deliveries.forEach(delivery -> counts.merge(key(delivery.event()), 1, Integer::sum));
        return counts;
    }

    private static OrderEvent parse(byte[] body) {
        try {
            return OrderEvent.parseFrom(body);
        } catch (InvalidProtocolBufferException e) {
            throw new AssertionError("a message that is no OrderEvent", e);
        }
    }

    /** Leaves the broker as it was: the test's exchange gone. */
    static void deleteExchange(String exchange) throws Exception {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setUri(BROKER_URI);
        try (Connection connection = factory.newConnection(); Channel channel = connection.createChannel()) {
            channel.exchangeDelete(exchange);
        }
    }

    @Override
    public void close() throws IOException {
        connection.close();
    }
}
