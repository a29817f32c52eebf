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
 * Orders from the results of the service's order reads: one row per order, its lines as parallel arrays
 * (GET_ORDER, FILL_ORDER), or a page of orders in one row of arrays (LIST_ORDERS).
 */
final class OrderResults {

    private OrderResults() {
    }

    /** The orders of LIST_ORDERS' one row, in page order; none when its arrays are null. */
    static List<Order> fromPage(ResultSet row) throws SQLException {
        Array idColumn = row.getArray("ids");
        if (idColumn == null) {
            return List.of();
        }
        Long[] ids = (Long[]) idColumn.getArray();
        String[] requestIds = (String[]) row.getArray("request_ids").getArray();
        String[] statuses = (String[]) row.getArray("statuses").getArray();
        Long[] totals = (Long[]) row.getArray("totals_cents").getArray();
        Timestamp[] createdAts = (Timestamp[]) row.getArray("created_ats").getArray();
        Timestamp[] updatedAts = (Timestamp[]) row.getArray("updated_ats").getArray();
        Long[] customerIds = (Long[]) row.getArray("customer_ids").getArray();
        String[] customerNames = (String[]) row.getArray("customer_names").getArray();
        String[] customerEmails = (String[]) row.getArray("customer_emails").getArray();
        Array lineOrderColumn = row.getArray("line_order_ids");
        Long[] lineOrderIds = lineOrderColumn == null ? new Long[0] : (Long[]) lineOrderColumn.getArray();
        Long[] productIds = lineOrderColumn == null ? null : (Long[]) row.getArray("product_ids").getArray();
        String[] skus = lineOrderColumn == null ? null : (String[]) row.getArray("skus").getArray();
        String[] names = lineOrderColumn == null ? null : (String[]) row.getArray("product_names").getArray();
        Integer[] quantities = lineOrderColumn == null ? null : (Integer[]) row.getArray("quantities").getArray();
        Long[] unitPrices = lineOrderColumn == null ? null : (Long[]) row.getArray("unit_prices_cents").getArray();
        List<Order> orders = new ArrayList<>(ids.length);
        int line = 0;
        for (int i = 0; i < ids.length; i++) {
            Order.Builder order = Order.newBuilder()
                    .setId(ids[i])
                    .setRequestId(requestIds[i])
                    .setStatus(OrderStatus.valueOf("ORDER_STATUS_" + statuses[i]))
                    .setTotalCents(totals[i])
                    .setCreatedAt(timestamp(createdAts[i]))
                    .setUpdatedAt(timestamp(updatedAts[i]))
                    .setCustomer(CustomerSummary.newBuilder()
                            .setId(customerIds[i])
                            .setName(customerNames[i])
                            .setEmail(customerEmails[i]));
            for (; line < lineOrderIds.length && lineOrderIds[line].equals(ids[i]); line++) {
                order.addLines(OrderLine.newBuilder()
                        .setProductId(productIds[line])
                        .setSku(skus[line])
                        .setName(names[line])
                        .setQuantity(quantities[line])
                        .setUnitPriceCents(unitPrices[line])
                        .setLineTotalCents(quantities[line] * unitPrices[line]));
            }
            orders.add(order.build());
        }
        return orders;
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
