package com.example.orders.server.events;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.URISyntaxException;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

import com.example.orders.server.db.EventStore;
import com.example.orders.v1.OrderEvent;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;

import io.helidon.metrics.api.Counter;
import io.helidon.metrics.api.Gauge;
import io.helidon.metrics.api.MeterRegistry;

/**
 * Publishes the committed, sequenced order events to a RabbitMQ topic exchange, with publisher
 * confirms: an event is marked published only once the broker has confirmed it, in the transaction
 * that claimed it. Delivery is at least once (a relay that dies between the broker's confirm and its
 * commit publishes the event again); consumers drop duplicates by the message id, the event_id. Several
 * instances relay at once without publishing an event twice in parallel (the rows are claimed), and an
 * order's events go out in order. Routing key {@code order.created}, {@code order.paid}, ...
 */
public final class RabbitRelay implements BackgroundLoop.Round, AutoCloseable {

    private static final System.Logger LOG = System.getLogger(RabbitRelay.class.getName());
    private static final int BATCH = 100;
    private static final Duration POLL = Duration.ofMillis(500);
    private static final long CONFIRM_TIMEOUT_MILLIS = 10_000;
    /**
     * When a relay of this process last reached the database and the broker, whether or not it had
     * events to publish. Process-wide, as the registry its gauge lives in.
     */
    private static final AtomicLong LAST_SUCCESS_NANOS = new AtomicLong(System.nanoTime());

    private final EventStore events;
    private final ConnectionFactory factory;
    private final String exchange;
    private final Counter published;
    private BackgroundLoop loop;
    private Connection connection;
    private Channel channel;

    private RabbitRelay(EventStore events, ConnectionFactory factory, String exchange, MeterRegistry meters) {
        this.events = events;
        this.factory = factory;
        this.exchange = exchange;
        this.published = meters.getOrCreate(Counter.builder("order.events.published")
                .description("Order events the broker confirmed"));
        // An operator alerts on this growing: events wait in the outbox while it does.
        meters.getOrCreate(Gauge.builder("order.events.relay.seconds.since.success", LAST_SUCCESS_NANOS,
                        last -> (System.nanoTime() - last.get()) / 1e9)
                .description("Seconds since the relay last reached the database and the broker"));
    }

    /**
     * Relays to the broker at {@code uri} (an AMQP URI; IllegalArgumentException if it is none), woken
     * as events get their positions.
     */
    public static RabbitRelay start(EventStore events, EventNotifications notifications, String uri, String exchange,
                                    MeterRegistry meters) {
        ConnectionFactory factory = new ConnectionFactory();
        try {
            factory.setUri(uri);
        } catch (URISyntaxException | GeneralSecurityException e) {
            throw new IllegalArgumentException("events.rabbitmq.uri is not a valid AMQP URI: " + e.getMessage(), e);
        }
        factory.setAutomaticRecoveryEnabled(false); // the relay reconnects itself, between batches
        factory.setConnectionTimeout(3000);
        RabbitRelay relay = new RabbitRelay(events, factory, exchange, meters);
        relay.loop = BackgroundLoop.start("order-events-relay",
                                          "Cannot publish order events now, they wait in the outbox: {0}",
                                          "Publishing order events to RabbitMQ again", notifications.sequenced(),
                                          POLL, Duration.ZERO, relay);
        LOG.log(Level.INFO, "Publishing order events to RabbitMQ at {0}:{1}, exchange {2}",
                factory.getHost(), String.valueOf(factory.getPort()), exchange);
        return relay;
    }

    @Override
    public boolean run() throws IOException, TimeoutException {
        if (channel == null || !channel.isOpen()) {
            connect();
        }
        int count = events.publishNext(BATCH, this::publish);
        published.increment(count);
        LAST_SUCCESS_NANOS.set(System.nanoTime());
        return count == BATCH;
    }

    @Override
    public void failed() {
        disconnect();
    }

    private void connect() throws IOException, TimeoutException {
        disconnect();
        connection = factory.newConnection("order-service-relay");
        channel = connection.createChannel();
        channel.exchangeDeclare(exchange, "topic", true);
        channel.confirmSelect();
    }

    /** Publishes the batch and waits for the broker's confirms; throws if any is refused or late. */
    private void publish(List<OrderEvent> batch) {
        try {
            for (OrderEvent event : batch) {
                String type = event.getType().name().substring("ORDER_EVENT_TYPE_".length()).toLowerCase(Locale.ROOT);
                AMQP.BasicProperties properties = new AMQP.BasicProperties.Builder()
                        .contentType("application/x-protobuf")
                        .type("orders.v1.OrderEvent")
                        .deliveryMode(2) // persistent
                        .messageId(String.valueOf(event.getEventId()))
                        .headers(Map.of("order_id", event.getOrderId(), "sequence", event.getSequence()))
                        .build();
                channel.basicPublish(exchange, "order." + type, properties, event.toByteArray());
            }
            channel.waitForConfirmsOrDie(CONFIRM_TIMEOUT_MILLIS);
        } catch (IOException | TimeoutException e) {
            throw new IllegalStateException("RabbitMQ did not confirm: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for RabbitMQ's confirms", e);
        }
    }

    private void disconnect() {
        try {
            if (connection != null && connection.isOpen()) {
                connection.close(1000);
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.DEBUG, "Closing the RabbitMQ connection failed", e);
        }
        connection = null;
        channel = null;
    }

    @Override
    public void close() throws InterruptedException {
        loop.close();
        disconnect();
    }
}
