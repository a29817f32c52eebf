package com.example.orders.server.db;

import java.sql.Timestamp;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.example.orders.v1.Order;
import com.example.orders.v1.OrderEvent;
import com.example.orders.v1.OrderEventType;
import com.google.protobuf.InvalidProtocolBufferException;

import io.helidon.dbclient.DbClient;
import io.helidon.dbclient.DbRow;
import io.helidon.dbclient.DbTransaction;

/**
 * The outbox of order events: written in the transaction of the change they tell of, given their
 * public positions by the sequencer once committed, read by watchers, and published by the relay.
 */
public final class EventStore {

    private static final System.Logger LOG = System.getLogger(EventStore.class.getName());

    private final DbClient db;

    public EventStore(DbClient db) {
        this.db = db;
    }

    /**
     * Writes the event of a change that just left {@code order} as it is, in the change's transaction:
     * the order's {@code sequence}th.
     */
    static void record(DbTransaction tx, Order order, int sequence) {
        Sql.INSERT_ORDER_EVENT.update(tx, Map.of(
                "order_id", order.getId(),
                "customer_id", order.getCustomer().getId(),
                "sequence", sequence,
                "type", OrderStatuses.eventType(order.getStatus()),
                "payload", order.toByteArray()));
    }

    /** Sequences the committed events that have no position yet, if no other instance is at it; how many it did. */
    public int sequence(int limit) {
        return Transactions.once(db, tx -> {
            if (!Boolean.TRUE.equals(Sql.LOCK_EVENT_SEQUENCER.rows(tx, Map.of()).getFirst().column("held").get(Boolean.class))) {
                return 0;
            }
            int sequenced = Sql.SEQUENCE_EVENTS.rows(tx, Map.of("limit", limit)).size();
            if (sequenced > 0) {
                Sql.NOTIFY_EVENTS_SEQUENCED.rows(tx, Map.of());
            }
            return sequenced;
        });
    }

    /** The first and last positions held (0 and 0 when none): every position between is held too. */
    public Positions positions() {
        DbRow row = Sql.EVENT_POSITIONS.rows(db.execute(), Map.of()).getFirst();
        return new Positions(row.column("first").get(Long.class), row.column("last").get(Long.class));
    }

    public record Positions(long first, long last) {
    }

    /** Up to {@code limit} sequenced events after {@code position}, of one customer's orders or (0) of all. */
    public List<OrderEvent> after(long position, long customerId, int limit) {
        Sql sql = customerId == 0 ? Sql.NEXT_EVENTS : Sql.NEXT_CUSTOMER_EVENTS;
        Map<String, Object> params = customerId == 0
                ? Map.of("after", position, "limit", limit)
                : Map.of("after", position, "customer_id", customerId, "limit", limit);
        try (Stream<DbRow> rows = sql.stream(db.execute(), params)) {
            return rows.map(EventStore::toEvent).toList();
        }
    }

    /**
     * Claims the next events to publish (see CLAIM_EVENTS_TO_PUBLISH), hands them to {@code publisher}
     * and marks them published, all in one transaction: if the publisher fails, or the database does
     * before the commit, they stay unpublished and are published again later, never lost. How many it
     * published.
     */
    public int publishNext(int limit, Publisher publisher) {
        return Transactions.once(db, tx -> {
            List<DbRow> rows = Sql.CLAIM_EVENTS_TO_PUBLISH.rows(tx, Map.of("limit", limit));
            if (rows.isEmpty()) {
                return 0;
            }
            publisher.publish(rows.stream().map(EventStore::toEvent).toList());
            long[] ids = rows.stream().mapToLong(row -> row.column("id").get(Long.class)).toArray();
            Sql.MARK_EVENTS_PUBLISHED.update(tx, Map.of("ids", ids));
            return rows.size();
        });
    }

    /** Deletes up to {@code batch} of the oldest events past {@code retention} (see PRUNE_EVENTS); how many. */
    public long prune(Duration retention, boolean unpublishedToo, int batch) {
        return Sql.PRUNE_EVENTS.update(db.execute(), Map.of(
                "retention_seconds", retention.toSeconds(), "unpublished_too", unpublishedToo, "batch", batch));
    }

    /** Publishes events to the broker, returning only once the broker has confirmed every one. */
    @FunctionalInterface
    public interface Publisher {
        void publish(List<OrderEvent> events);
    }

    /**
     * The event as stored. A payload that is no Order (a row the service did not write) goes out
     * without its order, with a warning: failing would stop every watcher and the relay at it for good.
     */
    private static OrderEvent toEvent(DbRow row) {
        OrderEvent.Builder event = OrderEvent.newBuilder()
                .setEventId(row.column("position").get(Long.class))
                .setOrderId(row.column("order_id").get(Long.class))
                .setSequence(row.column("sequence").get(Integer.class))
                .setType(OrderEventType.valueOf("ORDER_EVENT_TYPE_" + row.column("type").get(String.class)))
                .setOccurredAt(Timestamps.toProto(row.column("occurred_at").get(Timestamp.class)));
        try {
            event.setOrder(Order.parseFrom(row.column("payload").get(byte[].class)));
        } catch (InvalidProtocolBufferException e) {
            LOG.log(System.Logger.Level.WARNING, "Order event {0} (order {1}) has a payload that is no Order: it goes "
                    + "out without its order", event.getEventId(), event.getOrderId());
        }
        return event.build();
    }
}
