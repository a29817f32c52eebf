package com.example.orders.bench;

import java.sql.Array;
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
 * Orders from the one-row-per-order result of the service's order reads (GET_ORDER, LIST_ORDERS, FILL_ORDER),
 * whose lines come as parallel arrays.
 */
final class OrderResults {

    private OrderResults() {
    }

    static List<Order> toOrders(ResultSet rows) throws SQLException {
        List<Order> orders = new ArrayList<>();
        while (rows.next()) {
            long orderId = rows.getLong("id");
            if (!rows.wasNull()) { // LIST_ORDERS: null when the customer has no order on this page
                orders.add(order(rows, orderId));
            }
        }
        return orders;
    }

    private static Order order(ResultSet row, long orderId) throws SQLException {
        Order.Builder order = Order.newBuilder()
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
        Array productIdColumn = row.getArray("product_ids");
        if (productIdColumn == null) {
            return order.build();
        }
        Long[] productIds = (Long[]) productIdColumn.getArray();
        String[] skus = (String[]) row.getArray("skus").getArray();
        String[] names = (String[]) row.getArray("product_names").getArray();
        Integer[] quantities = (Integer[]) row.getArray("quantities").getArray();
        Long[] unitPrices = (Long[]) row.getArray("unit_prices_cents").getArray();
        for (int i = 0; i < productIds.length; i++) {
            order.addLines(OrderLine.newBuilder()
                    .setProductId(productIds[i])
                    .setSku(skus[i])
                    .setName(names[i])
                    .setQuantity(quantities[i])
                    .setUnitPriceCents(unitPrices[i])
                    .setLineTotalCents(quantities[i] * unitPrices[i]));
        }
        return order.build();
    }

    private static com.google.protobuf.Timestamp timestamp(Timestamp time) {
        return com.google.protobuf.Timestamp.newBuilder()
                .setSeconds(Math.floorDiv(time.getTime(), 1000))
                .setNanos(time.getNanos())
                .build();
    }
}
