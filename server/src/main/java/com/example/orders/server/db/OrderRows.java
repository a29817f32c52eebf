package com.example.orders.server.db;

import java.sql.Array;
import java.sql.SQLException;
import java.sql.Timestamp;

import com.example.orders.v1.CustomerSummary;
import com.example.orders.v1.Order;
import com.example.orders.v1.OrderLine;

import io.helidon.dbclient.DbClientException;
import io.helidon.dbclient.DbRow;

/**
 * Builds orders from the one-row-per-order result of the order reads in {@link Sql} and of FILL_ORDER, whose lines
 * come as parallel arrays. Read each row before its result set closes: the arrays are decoded here.
 */
final class OrderRows {

    private OrderRows() {
    }

    /** True for the row LIST_ORDERS returns for a customer with no order on the page. */
    static boolean isOrder(DbRow row) {
        return row.column("id").get(Long.class) != null;
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
        Long[] productIds = array(row, "product_ids", Long[].class);
        if (productIds == null) {
            return order.build();
        }
        String[] skus = array(row, "skus", String[].class);
        String[] names = array(row, "product_names", String[].class);
        Integer[] quantities = array(row, "quantities", Integer[].class);
        Long[] unitPrices = array(row, "unit_prices_cents", Long[].class);
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
