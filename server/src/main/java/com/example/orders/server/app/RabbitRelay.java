package com.example.orders.server.app;

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

import com.example.orders.server.db.EventNotifications;
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
final class RabbitRelay implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(RabbitRelay.class.getName());
    private static final int BATCH = 100;
    private static final long POLL_MILLIS = 500;
    private static final long CONFIRM_TIMEOUT_MILLIS = 10_000;

    private final EventStore events;
    private final EventNotifications notifications;
    private final ConnectionFactory factory;
    private final String exchange;
    private final Thread thread;
    /**
     * When a relay of this process last reached the database and the broker, whether or not it had
     * events to publish. Process-wide, as the registry its gauge lives in.
     */
    private static final AtomicLong LAST_SUCCESS_NANOS = new AtomicLong(System.nanoTime());

    private final Counter published;
    private volatile boolean running = true;
    private Connection connection;
    private Channel channel;

    private RabbitRelay(EventStore events, EventNotifications notifications, ConnectionFactory factory, String exchange,
                        MeterRegistry meters) {
        this.events = events;
        this.notifications = notifications;
        this.factory = factory;
        this.exchange = exchange;
        this.thread = Thread.ofVirtual().name("order-events-relay").unstarted(this::run);
        this.published = meters.getOrCreate(Counter.builder("order.events.published")
                .description("Order events the broker confirmed"));
        // An operator alerts on this growing: events wait in the outbox while it does.
        meters.getOrCreate(Gauge.builder("order.events.relay.seconds.since.success", LAST_SUCCESS_NANOS,
                        last -> (System.nanoTime() - last.get()) / 1e9)
                .description("Seconds since the relay last reached the database and the broker"));
    }

    static RabbitRelay start(EventStore events, EventNotifications notifications, String uri, String exchange,
                             MeterRegistry meters) {
        ConnectionFactory factory = new ConnectionFactory();
        try {
            factory.setUri(uri);
        } catch (URISyntaxException | GeneralSecurityException e) {
            throw new StartFailure("events.rabbitmq.uri is not a valid AMQP URI: " + e.getMessage());
        }
        factory.setAutomaticRecoveryEnabled(false); // the relay reconnects itself, between batches
        factory.setConnectionTimeout(3000);
        RabbitRelay relay = new RabbitRelay(events, notifications, factory, exchange, meters);
        relay.thread.start();
        LOG.log(Level.INFO, "Publishing order events to RabbitMQ at {0}:{1}, exchange {2}",
                factory.getHost(), String.valueOf(factory.getPort()), exchange);
        return relay;
    }

    private void run() {
        boolean failing = false;
        while (running) {
            long seen = notifications.sequenced().version();
            try {
                if (channel == null || !channel.isOpen()) {
                    connect();
                }
                int count = events.publishNext(BATCH, this::publish);
                published.increment(count);
                LAST_SUCCESS_NANOS.set(System.nanoTime());
                if (failing) {
                    LOG.log(Level.INFO, "Publishing order events to RabbitMQ again");
                    failing = false;
                }
                if (count < BATCH) {
                    notifications.sequenced().awaitAfter(seen, POLL_MILLIS);
                }
            } catch (InterruptedException e) {
                return;
            } catch (IOException | TimeoutException | RuntimeException e) {
                if (running && !failing) {
                    LOG.log(Level.WARNING, "Cannot publish order events now, they wait in the outbox: {0}", reason(e));
                    failing = true;
                }
                disconnect();
                pause();
            }
        }
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

    /** The first cause that says something: the client wraps the broker's word in bare IOExceptions. */
    private static String reason(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause.getMessage() != null) {
                return cause.getClass().getSimpleName() + ": " + cause.getMessage();
            }
        }
        return failure.getClass().getName();
    }

    private void pause() {
        try {
            Thread.sleep(1000);
        } catch (InterruptedException e) {
            running = false;
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        notifications.sequenced().signal(); // not an interrupt, which would break the connection of a statement running
        thread.join(Duration.ofSeconds(5));
        disconnect();
    }
}
