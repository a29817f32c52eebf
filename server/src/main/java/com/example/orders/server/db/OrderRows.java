package com.example.orders.server.db;

import java.sql.Array;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;

import com.example.orders.v1.CustomerSummary;
import com.example.orders.v1.Order;
import com.example.orders.v1.OrderLine;

import io.helidon.dbclient.DbClientException;
import io.helidon.dbclient.DbRow;

/**
 * Builds orders from the results of the order reads in {@link Sql}: one order per row, its lines as
 * parallel arrays (GET_ORDER, FILL_ORDER, EXPORT_ORDERS), or a whole page of orders in one row of
 * arrays (GET_ORDERS, LIST_ORDERS). Read each row before its result set closes: the arrays are
 * decoded here.
 */
final class OrderRows {

    private OrderRows() {
    }

    /** The orders of a one-row page, in page order; none when its arrays are null (an empty page). */
    static List<Order> toOrders(DbRow page) {
        Long[] ids = array(page, "ids", Long[].class);
        if (ids == null) {
            return List.of();
        }
        String[] requestIds = array(page, "request_ids", String[].class);
        String[] statuses = array(page, "statuses", String[].class);
        Long[] totals = array(page, "totals_cents", Long[].class);
        Timestamp[] createdAts = array(page, "created_ats", Timestamp[].class);
        Timestamp[] updatedAts = array(page, "updated_ats", Timestamp[].class);
        Long[] customerIds = array(page, "customer_ids", Long[].class);
        String[] customerNames = array(page, "customer_names", String[].class);
        String[] customerEmails = array(page, "customer_emails", String[].class);
        Lines lines = Lines.of(page, "line_order_ids");
        List<Order> orders = new ArrayList<>(ids.length);
        int line = 0;
        for (int i = 0; i < ids.length; i++) {
            Order.Builder order = Order.newBuilder()
                    .setId(ids[i])
                    .setRequestId(requestIds[i])
                    .setStatus(OrderStatuses.fromDb(statuses[i]))
                    .setTotalCents(totals[i])
                    .setCreatedAt(Timestamps.toProto(createdAts[i]))
                    .setUpdatedAt(Timestamps.toProto(updatedAts[i]))
                    .setCustomer(CustomerSummary.newBuilder()
                            .setId(customerIds[i])
                            .setName(customerNames[i])
                            .setEmail(customerEmails[i]));
            // The lines come in page order, so this order's are the next ones whose order id is its.
            for (; lines != null && line < lines.size() && lines.orderIds[line].equals(ids[i]); line++) {
                order.addLines(lines.line(line));
            }
            orders.add(order.build());
        }
        return orders;
    }

    static Order toOrder(DbRow row) {
        Order.Builder order = Order.newBuilder()
                .setId(row.column("id").get(Long.class))
                .setRequestId(row.column("request_id").get(String.class))
                .setStatus(OrderStatuses.fromDb(row.column("status").get(String.class)))
                .setTotalCents(row.column("total_cents").get(Long.class))
                .setCreatedAt(Timestamps.toProto(row.column("created_at").get(Timestamp.class)))
                .setUpdatedAt(Timestamps.toProto(row.column("updated_at").get(Timestamp.class)))
                .setCustomer(CustomerSummary.newBuilder()
                        .setId(row.column("customer_id").get(Long.class))
                        .setName(row.column("customer_name").get(String.class))
                        .setEmail(row.column("customer_email").get(String.class)));
        Lines lines = Lines.of(row, null);
        for (int i = 0; lines != null && i < lines.size(); i++) {
            order.addLines(lines.line(i));
        }
        return order.build();
    }

    /** Line fields as parallel arrays, with whose order each line is when several orders share them. */
    private record Lines(Long[] orderIds, Long[] productIds, String[] skus, String[] names, Integer[] quantities,
                         Long[] unitPrices) {

        /** Null when the arrays are null: no line. */
        static Lines of(DbRow row, String orderIdColumn) {
            Long[] productIds = array(row, "product_ids", Long[].class);
            if (productIds == null) {
                return null;
            }
            return new Lines(orderIdColumn == null ? null : array(row, orderIdColumn, Long[].class),
                             productIds,
                             array(row, "skus", String[].class),
                             array(row, "product_names", String[].class),
                             array(row, "quantities", Integer[].class),
                             array(row, "unit_prices_cents", Long[].class));
        }

        int size() {
            return productIds.length;
        }

        OrderLine.Builder line(int i) {
            return OrderLine.newBuilder()
                    .setProductId(productIds[i])
                    .setSku(skus[i])
                    .setName(names[i])
                    .setQuantity(quantities[i])
                    .setUnitPriceCents(unitPrices[i])
                    .setLineTotalCents(quantities[i] * unitPrices[i]);
        }
    }

    /** An array column as a Java array, or null for a SQL null (an order without lines). */
    private static <T> T array(DbRow row, String column, Class<T> type) {
        Array array = row.column(column).get(Array.class);
        if (array == null) {
            return null;
        }
        try {
            return type.cast(array.getArray());
        } catch (SQLException e) {
            throw new DbClientException("Failed to read column " + column, e);
        }
    }
}
