package com.example.orders.server.db;

import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.Predicate;

import com.example.orders.v1.CustomerSummary;
import com.example.orders.v1.Order;
import com.example.orders.v1.OrderLine;

import io.helidon.dbclient.DbRow;

/** Builds orders from the one-row-per-line result of the order reads in {@link Sql}. */
final class OrderRows {

    private OrderRows() {
    }

    /** Rows must come grouped by order (each order's rows together), lines in line order. */
    static List<Order> toOrders(List<DbRow> rows) {
        List<Order> orders = new ArrayList<>();
        forEachOrder(rows.iterator(), orders::add);
        return orders;
    }

    /**
     * Builds orders from rows grouped as for {@link #toOrders(List)}, reading them one at a time:
     * each order goes to {@code consumer} as soon as the first row of the next one (or the end) is
     * read, so only one order is held at a time. Stops reading when {@code consumer} returns false.
     * Returns the number of orders handed to {@code consumer}.
     */
    static long forEachOrder(Iterator<DbRow> rows, Predicate<Order> consumer) {
        long count = 0;
        Order.Builder current = null;
        while (rows.hasNext()) {
            DbRow row = rows.next();
            Long orderId = row.column("id").get(Long.class);
            if (orderId == null) {
                continue; // LIST_ORDERS: the customer exists but has no order on this page
            }
            if (current == null || current.getId() != orderId) {
                if (current != null) {
                    count++;
                    if (!consumer.test(current.build())) {
                        return count;
                    }
                }
                current = orderHeader(row, orderId);
            }
            Long productId = row.column("product_id").get(Long.class);
            if (productId != null) {
                current.addLines(line(row, productId));
            }
        }
        if (current != null) {
            count++;
            consumer.test(current.build());
        }
        return count;
    }

    private static Order.Builder orderHeader(DbRow row, long orderId) {
        return Order.newBuilder()
                .setId(orderId)
                .setRequestId(row.column("request_id").get(String.class))
                .setStatus(OrderStatuses.fromDb(row.column("status").get(String.class)))
                .setTotalCents(row.column("total_cents").get(Long.class))
                .setCreatedAt(Timestamps.toProto(row.column("created_at").get(Timestamp.class)))
                .setUpdatedAt(Timestamps.toProto(row.column("updated_at").get(Timestamp.class)))
                .setCustomer(CustomerSummary.newBuilder()
                        .setId(row.column("customer_id").get(Long.class))
                        .setName(row.column("customer_name").get(String.class))
                        .setEmail(row.column("customer_email").get(String.class)));
    }

    private static OrderLine line(DbRow row, long productId) {
        int quantity = row.column("quantity").get(Integer.class);
        long unitPrice = row.column("unit_price_cents").get(Long.class);
        return OrderLine.newBuilder()
                .setProductId(productId)
                .setSku(row.column("sku").get(String.class))
                .setName(row.column("product_name").get(String.class))
                .setQuantity(quantity)
                .setUnitPriceCents(unitPrice)
                .setLineTotalCents(quantity * unitPrice)
                .build();
    }
}
