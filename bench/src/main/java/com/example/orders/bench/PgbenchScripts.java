package com.example.orders.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import com.example.orders.server.db.Sql;

/**
 * Writes the pgbench scripts of the ceiling: each RPC's statements as the service runs them, taken
 * from its {@link Sql}, so they cannot drift apart. Their {@code :name} parameters are pgbench
 * variables already; arrays are spelled out, since a pgbench variable holds one number.
 *
 * <p>Usage: {@code PgbenchScripts DIR}. The scripts need {@code -D customers=N -D products=N
 * -D orders=N}, the seed's counts; the {@code *-fixed.sql} ones read the one order and the one customer
 * that h2load's fixed requests name (FixedRequests) instead of random ones, from {@code -D fixed_order_id=N
 * -D fixed_customer_id=N}, so that the database does the same work under both.
 */
public final class PgbenchScripts {

    /** The line counts of the CreateOrder scripts. */
    static final int[] LINE_COUNTS = {1, 5, 50};

    private PgbenchScripts() {
    }

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args[0]);
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("get-order.sql"), getOrder("random(1, :orders)"));
        Files.writeString(dir.resolve("list-orders.sql"), listOrders("random(1, :customers)"));
        Files.writeString(dir.resolve("get-order-fixed.sql"), getOrder(":fixed_order_id"));
        Files.writeString(dir.resolve("list-orders-fixed.sql"), listOrders(":fixed_customer_id"));
        for (int lines : LINE_COUNTS) {
            Files.writeString(dir.resolve("create-order-" + lines + ".sql"), createOrder(lines));
        }
    }

    /** {@code orderId}: a pgbench expression. */
    static String getOrder(String orderId) {
        return header("GetOrder: OrderStore.get, one statement")
                + "\\set order_id " + orderId + "\n"
                + statement(Sql.GET_ORDER.text());
    }

    /**
     * The first page of a customer's orders at the default page size (20, one more to tell
     * whether there is a next page), any status. pgbench variables hold numbers only, so the empty
     * status (any) is the literal {@code ''}. {@code customerId}: a pgbench expression.
     */
    static String listOrders(String customerId) {
        return header("ListOrders: OrderStore.list, first page of 20, any status, one statement")
                + "\\set customer_id " + customerId + "\n"
                + "\\set after_id 9223372036854775807\n"
                + "\\set limit 21\n"
                + statement(Sql.LIST_ORDERS.text().replace(":status", "''"));
    }

    /**
     * OrderStore.create's transaction with {@code lines} distinct random products, quantity 1 (a
     * random permutation of the products, so no product twice), committed as the service commits.
     */
    static String createOrder(int lines) {
        String productIds = IntStream.rangeClosed(1, lines).mapToObj(i -> ":p" + i)
                .collect(Collectors.joining(", ", "ARRAY[", "]"));
        String quantities = IntStream.rangeClosed(1, lines).mapToObj(i -> "1")
                .collect(Collectors.joining(", ", "ARRAY[", "]"));
        StringBuilder script = new StringBuilder(header(
                "CreateOrder with " + lines + " line" + (lines == 1 ? "" : "s") + ": OrderStore.create, one transaction"));
        script.append("\\set customer_id random(1, :customers)\n")
                .append("\\set request_id random(1, 9223372036854775806)\n")
                .append("\\set permutation random(0, 2147483647)\n");
        for (int i = 1; i <= lines; i++) {
            script.append("\\set p").append(i).append(" permute(").append(i - 1).append(", :products, :permutation) + 1\n");
        }
        // The service computes the total from the locked prices in between; its value costs nothing.
        script.append("\\set total_cents 0\n")
                .append("BEGIN;\n")
                .append(Sql.INSERT_ORDER.text()).append(" \\gset\n")
                .append("\\set order_id :id\n")
                // FILL_ORDER casts its arrays itself; in LOCK_PRODUCTS the cast stands for the bigint[] parameter.
                .append(statement(Sql.LOCK_PRODUCTS.text()
                        .replace(":product_ids", "CAST(" + productIds + " AS bigint[])")))
                .append(statement(Sql.FILL_ORDER.text()
                        .replace(":product_ids", productIds)
                        .replace(":quantities", quantities)))
                // The event's payload is the order as protobuf, about 110 bytes and 50 more a line.
                .append(statement(Sql.INSERT_ORDER_EVENT.text()
                        .replace(":sequence", "1")
                        .replace(":type", "'CREATED'")
                        .replace(":payload", "decode(repeat('ab', " + (110 + 50 * lines) + "), 'hex')")))
                .append("COMMIT;\n");
        return script.toString();
    }

    private static String header(String what) {
        return "-- " + what + ".\n"
                + "-- Written by bench/src/main/java/com/example/orders/bench/PgbenchScripts.java from the service's Sql.\n";
    }

    private static String statement(String sql) {
        return sql + ";\n";
    }
}
