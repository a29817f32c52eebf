package com.example.orders.server;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.StringJoiner;

import com.example.orders.server.db.Sql;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Statements the driver runs prepared must settle on PostgreSQL's generic plan: one it plans again
 * at every execution costs the database tens of microseconds per call.
 */
class QueryPlansTest {

    @RegisterExtension
    static final ServiceFixture service = new ServiceFixture();

    @Test
    void lockingTheProductsOfAnOrderIsNotPlannedAgainAtEveryCall() throws SQLException {
        try (Connection connection = service.connectToSchema(); Statement statement = connection.createStatement()) {
            connection.setAutoCommit(false);
            // A catalogue of some size, as the planner knows it: on a handful of rows every plan costs the same.
            statement.execute("INSERT INTO products (sku, name, price_cents, stock)"
                    + " SELECT 'PLAN-' || n, 'product ' || n, 100, 10 FROM generate_series(1, 2000) n");
            statement.execute("ANALYZE products");
            StringJoiner productIds = new StringJoiner(",", "'{", "}'");
            try (ResultSet ids = statement.executeQuery("SELECT id FROM products ORDER BY id LIMIT 5")) {
                while (ids.next()) {
                    productIds.add(String.valueOf(ids.getLong(1)));
                }
            }
            statement.execute("PREPARE lock_products AS " + Sql.LOCK_PRODUCTS.jdbcText().replace("?", "$1"));
            // PostgreSQL compares its generic plan with the first five custom ones before it decides.
            for (int i = 0; i < 8; i++) {
                statement.execute("EXECUTE lock_products(" + productIds + ")");
            }
            try (ResultSet plans = statement.executeQuery(
                    "SELECT generic_plans, custom_plans FROM pg_prepared_statements WHERE name = 'lock_products'")) {
                plans.next();
                assertTrue(plans.getLong("generic_plans") >= 3,
                        "generic plans " + plans.getLong("generic_plans") + ", custom " + plans.getLong("custom_plans"));
            }
            connection.rollback();
        }
    }
}
