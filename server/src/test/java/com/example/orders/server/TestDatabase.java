package com.example.orders.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * The PostgreSQL the tests run against: the one named by TEST_DB_URL (with TEST_DB_USER and
 * TEST_DB_PASSWORD), or else one embedded PostgreSQL shared by the whole test run.
 */
record TestDatabase(String url, String user, String password) {

    private static TestDatabase instance;

    static synchronized TestDatabase get() {
        if (instance == null) {
            String url = System.getenv("TEST_DB_URL");
            if (url == null || url.isBlank()) {
                instance = embedded();
            } else {
                instance = new TestDatabase(url, envOr("TEST_DB_USER", "postgres"), envOr("TEST_DB_PASSWORD", ""));
            }
        }
        return instance;
    }

    /** The same database with {@code schema} as the current schema. */
    String urlWithSchema(String schema) {
        return url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    }

    Connection connect() throws SQLException {
        return DriverManager.getConnection(url, user, password);
    }

    private static TestDatabase embedded() {
        try {
            EmbeddedPostgres postgres = EmbeddedPostgres.builder().start();
            return new TestDatabase(postgres.getJdbcUrl("postgres", "postgres"), "postgres", "");
        } catch (IOException e) {
            throw new UncheckedIOException("TEST_DB_URL is not set and the embedded PostgreSQL did not start", e);
        }
    }

    private static String envOr(String name, String fallback) {
        String value = System.getenv(name);
        return value == null ? fallback : value;
    }
}
