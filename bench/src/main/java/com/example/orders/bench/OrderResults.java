package com.example.orders.bench;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;

import com.example.orders.v1.CustomerSummary;
import com.example.orders.v1.Order;
import com.example.orders.v1.OrderLine;
import com.example.orders.v1.OrderStatus;

/**
 * Orders from the one-row-per-line result of the service's order reads (GET_ORDER, LIST_ORDERS),
 * whose rows come grouped by order, lines in line order.
 */
final class OrderResults {

    private OrderResults() {
    }

    static List<Order> toOrders(ResultSet rows) throws SQLException {
        List<Order> orders = new ArrayList<>();
        Order.Builder current = null;
        while (rows.next()) {
            long orderId = rows.getLong("id");
            if (rows.wasNull()) {
                continue; // LIST_ORDERS: the customer exists but has no order on this page
            }
            if (current == null || current.getId() != orderId) {
                if (current != null) {
                    orders.add(current.build());
                }
                current = header(rows, orderId);
            }
            long productId = rows.getLong("product_id");
            if (!rows.wasNull()) {
                current.addLines(line(rows, productId));
            }
        }
        if (current != null) {
            orders.add(current.build());
        }
        return orders;
    }

    private static Order.Builder header(ResultSet row, long orderId) throws SQLException {
        return Order.newBuilder()
                .setId(orderId)
                .setRequestId(row.getString("request_id"))
                .setStatus(OrderStatus.valueOf("ORDER_STATUS_" + row.getString("status")))
                .setTotalCents(row.getLong("total_cents"))
                .setCreatedAt(timestamp(row.getTimestamp("created_at")))
                .setUpdatedAt(timestamp(row.getTimestamp("updated_at")))
                .setCustomer(CustomerSummary.newBuilder()
                        .setId(row.getLong("customer_id"))
                        .setName(row.getString("customer_name"))
                        .setEmail(row.getString("customer_email")));
    }

    private static OrderLine line(ResultSet row, long productId) throws SQLException {
        int quantity = row.getInt("quantity");
        long unitPrice = row.getLong("unit_price_cents");
        return OrderLine.newBuilder()
                .setProductId(productId)
                .setSku(row.getString("sku"))
                .setName(row.getString("product_name"))
                .setQuantity(quantity)
                .setUnitPriceCents(unitPrice)
                .setLineTotalCents(quantity * unitPrice)
                .build();
    }

    private static com.google.protobuf.Timestamp timestamp(Timestamp time) {
        return com.google.protobuf.Timestamp.newBuilder()
                .setSeconds(Math.floorDiv(time.getTime(), 1000))
                .setNanos(time.getNanos())
                .build();
    }
}
