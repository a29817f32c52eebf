package com.example.orders.server.app;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;

import com.example.orders.server.grpc.ServiceLimits;

import io.helidon.config.Config;
import io.helidon.config.ConfigException;
import io.helidon.webserver.grpc.GrpcConfig;

/**
 * Every setting of the service, read once at start from application.yaml, which holds every default,
 * overridden by environment variables (DB_URL for db.url, DB_REPLICA_MAX_LAG for db.replica-max-lag:
 * Helidon reads an underscore as a dot or a dash). The web server reads its own, under {@code server}.
 */
record Settings(Database database, Standby standby, ServiceLimits limits, Service service, Events events) {

    /**
     * The primary, or an embedded PostgreSQL when {@code url} is blank; how long calls wait for a new
     * primary during a failover, and how long one is expected to take before this instance has seen one.
     */
    record Database(DatabaseSettings connection, Path embeddedDataDir, Duration startupTimeout,
                    Duration healthCheckInterval, Properties pool, Duration failoverWait, Duration expectedFailover) {

        boolean embedded() {
            return connection.url().isBlank();
        }
    }

    /** A standby for reads; {@code url} blank when none is configured. */
    record Standby(DatabaseSettings connection, Duration maxLag) {

        boolean configured() {
            return !connection.url().isBlank();
        }
    }

    /** {@code pagingSecret} and {@code authToken} are empty when unset. */
    record Service(String pagingSecret, String authToken, Duration shutdownGracePeriod, int maxRequestBytes) {
    }

    /** {@code rabbitMqUri} is empty when no broker is configured. */
    record Events(Duration retention, String rabbitMqUri, String rabbitMqExchange) {
    }

    /** Fails with a StartFailure that names the setting when one is missing or malformed. */
    static Settings read(Config config) {
        try {
            Config db = config.get("db");
            DatabaseSettings primary = new DatabaseSettings(text(db, "url"), text(db, "user"), text(db, "password"));
            Config service = config.get("service");
            Config events = config.get("events");
            return new Settings(
                    new Database(primary, Path.of(text(db, "embedded-data-dir")), duration(db, "startup-timeout"),
                                 duration(db, "health-check-interval"), properties(db.get("pool")),
                                 duration(db, "failover-wait"), duration(db, "failover-expected")),
                    new Standby(new DatabaseSettings(text(db, "replica-url"),
                                                     db.get("replica-user").asString().orElse(primary.user()),
                                                     db.get("replica-password").asString().orElse(primary.password())),
                                duration(db, "replica-max-lag")),
                    new ServiceLimits(number(service, "max-concurrent-calls"), number(service, "max-concurrent-exports"),
                                      number(service, "max-lines-per-order"), number(service, "max-page-size"),
                                      number(service, "max-concurrent-watchers")),
                    new Service(text(service, "paging.secret"), text(service, "auth.token"),
                                duration(service, "shutdown-grace-period"),
                                GrpcConfig.create(config.get("server.protocols.grpc")).maxReadBufferSize()),
                    new Events(duration(events, "retention"), text(events, "rabbitmq.uri"),
                               text(events, "rabbitmq.exchange")));
        } catch (ConfigException | IllegalArgumentException e) {
            throw new StartFailure("Invalid configuration: " + e.getMessage());
        }
    }

    private static String text(Config parent, String key) {
        return parent.get(key).asString().get();
    }

    private static int number(Config parent, String key) {
        return parent.get(key).asInt().get();
    }

    private static Duration duration(Config parent, String key) {
        return parent.get(key).as(Duration.class).get();
    }

    /** HikariCP's settings as they are, e.g. maximumPoolSize and dataSource.*. */
    private static Properties properties(Config pool) {
        Properties settings = new Properties();
        pool.detach().asMap().orElse(Map.of()).forEach(settings::setProperty);
        return settings;
    }
}
