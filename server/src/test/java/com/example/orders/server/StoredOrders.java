package com.example.orders.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import com.example.orders.v1.OrderLine;
import com.example.orders.v1.OrderLineRequest;

/**
 * The orders a database holds, read in one snapshot and checked against what clients were told:
 * each stored order whole (lines, total of its lines), no request_id twice, every product's stock
 * plus the quantity ordered equal to its first stock.
 */
record StoredOrders(Map<Long, Stored> byId, Map<Long, Integer> stockByProduct) {

    /** A stored order: its request_id and total, and its lines' quantity by product and total. */
    static final class Stored {

        private final String requestId;
        private final long totalCents;
        private final Map<Long, Integer> quantities = new HashMap<>();
        private long linesTotalCents;

        private Stored(String requestId, long totalCents) {
            this.requestId = requestId;
            this.totalCents = totalCents;
        }

        String requestId() {
            return requestId;
        }

        long totalCents() {
            return totalCents;
        }

        Map<Long, Integer> quantities() {
            return quantities;
        }

        long linesTotalCents() {
            return linesTotalCents;
        }
    }

    static StoredOrders read(Connection db) throws SQLException {
        db.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
        db.setAutoCommit(false);
        try (Statement query = db.createStatement()) {
            Map<Long, Stored> orders = new HashMap<>();
            try (ResultSet rows = query.executeQuery("SELECT id, request_id, total_cents FROM orders")) {
                while (rows.next()) {
                    orders.put(rows.getLong(1), new Stored(rows.getString(2), rows.getLong(3)));
                }
            }
            try (ResultSet rows = query.executeQuery(
                    "SELECT order_id, product_id, quantity, unit_price_cents FROM order_lines")) {
                while (rows.next()) {
                    Stored order = orders.get(rows.getLong(1));
                    order.quantities.put(rows.getLong(2), rows.getInt(3));
                    order.linesTotalCents += rows.getInt(3) * rows.getLong(4);
                }
            }
            Map<Long, Integer> stock = new HashMap<>();
            try (ResultSet rows = query.executeQuery("SELECT id, stock FROM products")) {
                while (rows.next()) {
                    stock.put(rows.getLong(1), rows.getInt(2));
                }
            }
            db.commit();
            return new StoredOrders(orders, stock);
        }
    }

    /** Fails unless every stored order is whole, no request_id is there twice, and the stock adds up. */
    void assertConsistent(int firstStock) {
        byId.forEach((id, order) -> {
            assertFalse(order.quantities().isEmpty(), "order " + id + " has no lines");
            assertEquals(order.linesTotalCents(), order.totalCents(), "total of order " + id);
        });
        Map<String, Long> perRequest = byId.values().stream()
                .collect(Collectors.groupingBy(Stored::requestId, Collectors.counting()));
        perRequest.forEach((requestId, count) -> assertEquals(1, count, "orders with request_id " + requestId));
        Map<Long, Integer> ordered = new HashMap<>();
        byId.values().forEach(order -> order.quantities().forEach((product, quantity) ->
                ordered.merge(product, quantity, Integer::sum)));
        stockByProduct.forEach((product, stock) -> assertEquals(firstStock, stock + ordered.getOrDefault(product, 0),
                "stock plus quantity ordered of product " + product));
    }

    /**
     * The acknowledged orders missing here; fails if one is here but other than it was acknowledged
     * (lines, total). An id that now holds another request's order counts as missing: a standby that
     * took over without the dying primary's last commits hands their ids out again.
     */
    List<OrderLoad.Acknowledged> missing(Collection<OrderLoad.Acknowledged> acknowledged) {
        return acknowledged.stream().filter(ack -> {
            Stored stored = byId.get(ack.order().getId());
            if (stored == null || !stored.requestId().equals(ack.request().getRequestId())) {
                return true;
            }
            assertEquals(ack.order().getTotalCents(), stored.totalCents(), "total of order " + ack.order().getId());
            Map<Long, Integer> asked = ack.request().getLinesList().stream()
                    .collect(Collectors.toMap(OrderLineRequest::getProductId, OrderLineRequest::getQuantity));
            Map<Long, Integer> answered = ack.order().getLinesList().stream()
                    .collect(Collectors.toMap(OrderLine::getProductId, OrderLine::getQuantity));
            assertEquals(asked, answered, "lines acknowledged for request " + ack.request().getRequestId());
            assertEquals(asked, stored.quantities(), "lines stored for order " + ack.order().getId());
            assertTrue(stored.totalCents() > 0, "total of order " + ack.order().getId());
            return false;
        }).toList();
    }
}
