package com.example.orders.client;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

import com.example.orders.server.app.OrderServer;
import io.helidon.config.Config;
import io.helidon.config.ConfigSources;

/**
 * An order service on an empty database, so that ids start at 1: a schema of its own in the
 * PostgreSQL named by TEST_DB_URL (TEST_DB_USER, TEST_DB_PASSWORD), as the server's tests use it,
 * or else the service's own embedded PostgreSQL with its data in a new directory. It listens on a free
 * loopback port. Closing it stops it and removes the schema or the directory.
 */
final class FreshService implements AutoCloseable {

    private final OrderServer server;
    private final Runnable cleanUp;

    private FreshService(OrderServer server, Runnable cleanUp) {
        this.server = server;
        this.cleanUp = cleanUp;
    }

    static FreshService start() throws SQLException, IOException {
        return start(Map.of());
    }

    /** With these configuration keys set on top of application.yaml, such as TLS's. */
    static FreshService start(Map<String, String> settings) throws SQLException, IOException {
        String url = System.getenv("TEST_DB_URL");
        return url == null || url.isBlank() ? onEmbeddedDatabase(settings) : inNewSchema(url, settings);
    }

    int port() {
        return server.port();
    }

    /** Statements its calls have run: one per GetOrder, found or not. */
    long statementsExecuted() {
        return server.statementsExecuted();
    }

    @Override
    public void close() {
        try {
            server.close();
        } finally {
            cleanUp.run();
        }
    }

    private static FreshService inNewSchema(String url, Map<String, String> settings) throws SQLException {
        String user = envOr("TEST_DB_USER", "postgres");
        String password = envOr("TEST_DB_PASSWORD", "");
        String schema = "client_test_" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
        execute(url, user, password, "CREATE SCHEMA " + schema);
        Runnable dropSchema = () -> {
            try {
                execute(url, user, password, "DROP SCHEMA " + schema + " CASCADE");
            } catch (SQLException e) {
                throw new IllegalStateException("Could not drop the test schema " + schema, e);
            }
        };
        try {
            return new FreshService(start(settings, Map.of("db.url", url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema,
                                                           "db.user", user,
                                                           "db.password", password)), dropSchema);
        } catch (RuntimeException e) {
            dropSchema.run();
            throw e;
        }
    }

    /** With no db.url the service starts an embedded PostgreSQL, here on a data directory of its own. */
    private static FreshService onEmbeddedDatabase(Map<String, String> settings) throws IOException {
        Path dataDir = Files.createTempDirectory("order-service-data");
        Runnable delete = () -> deleteRecursively(dataDir);
        try {
            return new FreshService(start(settings, Map.of("db.embedded-data-dir", dataDir.toString())), delete);
        } catch (RuntimeException e) {
            delete.run();
            throw e;
        }
    }

    private static OrderServer start(Map<String, String> settings, Map<String, String> database) {
        Map<String, String> all = new HashMap<>(settings);
        all.putAll(database);
        all.put("server.port", "0");
        all.put("server.host", "127.0.0.1");
        return OrderServer.start(Config.builder()
                .disableEnvironmentVariablesSource()
                .disableSystemPropertiesSource()
                .sources(ConfigSources.create(all), ConfigSources.classpath("application.yaml"))
                .build());
    }

    private static void execute(String url, String user, String password, String sql) throws SQLException {
        try (Connection connection = DriverManager.getConnection(url, user, password);
             Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    private static void deleteRecursively(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not delete " + dir, e);
        }
    }

    private static String envOr(String name, String fallback) {
        String value = System.getenv(name);
        return value == null ? fallback : value;
    }
}
