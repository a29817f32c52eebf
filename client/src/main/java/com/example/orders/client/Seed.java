package com.example.orders.client;

import java.io.PrintStream;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Fills an empty order database with a benchmark data set, straight through JDBC, in a few
 * set-based statements: customers, products with a stock that load never exhausts, and orders of
 * 1 to 20 lines (distinct products, quantities 1 to 3) spread over random customers and statuses,
 * created two minutes apart so that higher ids are newer. Ids are dense from 1, which is what the
 * load command draws from.
 *
 * <p>The schema must exist: start the service on the database once (it migrates it) before seeding.
 */
final class Seed {

    /** So high that benchmarks ordering quantity 1 never run out. */
    static final int STOCK = 1_000_000_000;
    static final int MAX_LINES = 20;

    private Seed() {
    }

    static void run(String url, String user, String password, long customers, long products, long orders,
                    PrintStream log) throws SQLException {
        if (customers < 1 || products < 1 || orders < 1) {
            throw new UsageException("--customers, --products and --orders must be at least 1");
        }
        try (Connection db = DriverManager.getConnection(url, user, password)) {
            db.setAutoCommit(false);
            requireEmpty(db);
            // The rows are generated consistent; checking each line's foreign keys one by one would
            // take three quarters of the time. Needs a role allowed to set this (a superuser).
            execute(db, "SET LOCAL session_replication_role = replica");
            long started = System.nanoTime();
            update(db, log, "customers", """
                    INSERT INTO customers (id, email, name, created_at) OVERRIDING SYSTEM VALUE
                    SELECT g, 'customer' || g || '@example.com', 'Customer ' || g, now() - interval '3 years'
                    FROM generate_series(1, ?) g""", customers);
            update(db, log, "products", """
                    INSERT INTO products (id, sku, name, price_cents, stock) OVERRIDING SYSTEM VALUE
                    SELECT g, 'SKU-' || g, 'Product ' || g, 99 + (g * 7919) % 20000, ?
                    FROM generate_series(1, ?) g""", STOCK, products);
            // Each order's lines are consecutive products from a random first one: distinct products.
            update(db, log, "planned lines", """
                    CREATE TEMP TABLE seed_lines ON COMMIT DROP AS
                    SELECT o.order_id, l.line_no, (o.first_product + l.line_no) % ? + 1 AS product_id,
                           1 + floor(random() * 3)::int AS quantity
                    FROM (SELECT g AS order_id,
                                 floor(random() * ?)::int AS first_product,
                                 1 + floor(random() * least(?, ?))::int AS line_count
                          FROM generate_series(1, ?) g) o
                    CROSS JOIN LATERAL generate_series(1, o.line_count) AS l (line_no)""",
                    products, products, MAX_LINES, products, orders);
            // Mostly shipped, 10% each pending, paid and cancelled; totals match the lines.
            update(db, log, "orders", """
                    INSERT INTO orders (id, customer_id, request_id, status, total_cents, created_at, updated_at)
                    OVERRIDING SYSTEM VALUE
                    SELECT t.order_id, 1 + floor(random() * ?)::int, 'seed-' || t.order_id,
                           (ARRAY['PENDING', 'PAID', 'CANCELLED', 'SHIPPED', 'SHIPPED', 'SHIPPED', 'SHIPPED',
                                  'SHIPPED', 'SHIPPED', 'SHIPPED'])[1 + floor(random() * 10)::int],
                           t.total_cents, t.created_at, t.created_at
                    FROM (SELECT l.order_id, sum(l.quantity * p.price_cents) AS total_cents,
                                 now() - (? - l.order_id) * interval '2 minutes' AS created_at
                          FROM seed_lines l JOIN products p ON p.id = l.product_id
                          GROUP BY l.order_id) t""", customers, orders);
            update(db, log, "order lines", """
                    INSERT INTO order_lines (order_id, line_no, product_id, quantity, unit_price_cents)
                    SELECT l.order_id, l.line_no, l.product_id, l.quantity, p.price_cents
                    FROM seed_lines l JOIN products p ON p.id = l.product_id
                    ORDER BY l.order_id, l.line_no""");
            // New rows get the ids after the seeded ones.
            execute(db, """
                    SELECT setval(pg_get_serial_sequence('customers', 'id'), (SELECT max(id) FROM customers)),
                           setval(pg_get_serial_sequence('products', 'id'), (SELECT max(id) FROM products)),
                           setval(pg_get_serial_sequence('orders', 'id'), (SELECT max(id) FROM orders))""");
            db.commit();
            // Fresh statistics for the planner and a visibility map for index-only scans, as a
            // database that has been running for a while would have.
            db.setAutoCommit(true);
            execute(db, "VACUUM ANALYZE customers, products, orders, order_lines");
            log.printf("seeded in %.1f s%n", (System.nanoTime() - started) / 1e9);
        }
    }

    /** Seeding next to existing rows would break the dense ids that load draws from. */
    private static void requireEmpty(Connection db) throws SQLException {
        try (Statement statement = db.createStatement();
             ResultSet rows = statement.executeQuery("""
                     SELECT EXISTS (SELECT 1 FROM customers) OR EXISTS (SELECT 1 FROM products)
                            OR EXISTS (SELECT 1 FROM orders)""")) {
            rows.next();
            if (rows.getBoolean(1)) {
                throw new IllegalStateException("the database already has customers, products or orders: seed an empty one");
            }
        }
    }

    private static void update(Connection db, PrintStream log, String what, String sql, long... params)
            throws SQLException {
        long started = System.nanoTime();
        try (PreparedStatement statement = db.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                statement.setLong(i + 1, params[i]);
            }
            long rows = statement.executeLargeUpdate();
            log.printf("%,12d %-14s %6.1f s%n", rows, what, (System.nanoTime() - started) / 1e9);
        }
    }

    private static void execute(Connection db, String sql) throws SQLException {
        try (Statement statement = db.createStatement()) {
            statement.execute(sql);
        }
    }
}
