package com.example.orders.server.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

import com.example.orders.server.grpc.ServiceLimits;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The settings as application.yaml gives them, under overrides as the environment would set them. */
class SettingsTest {

    /** application.yaml's every value, by its full key. */
    private static final Map<String, String> APPLICATION_YAML =
            Config.just(ConfigSources.classpath("application.yaml")).asMap().get();

    @Test
    void everyDefaultIsApplicationYamls() {
        Properties pool = new Properties();
        pool.putAll(Map.ofEntries(
                Map.entry("poolName", "orders"),
                Map.entry("maximumPoolSize", "10"),
                Map.entry("minimumIdle", "0"),
                Map.entry("connectionTimeout", "3000"),
                Map.entry("validationTimeout", "1000"),
                Map.entry("keepaliveTime", "30000"),
                Map.entry("maxLifetime", "900000"),
                Map.entry("dataSource.connectTimeout", "3"),
                Map.entry("dataSource.socketTimeout", "30"),
                Map.entry("dataSource.ApplicationName", "order-service"),
                Map.entry("dataSource.defaultRowFetchSize", "1000")));
        DatabaseSettings primary = new DatabaseSettings("", "postgres", "");

        Settings settings = read(Map.of());

        assertEquals(new Settings(
                new Settings.Database(primary, Path.of("data"), Duration.ofSeconds(60), Duration.ofSeconds(2), pool,
                                      Duration.ofSeconds(30), Duration.ofSeconds(10)),
                new Settings.Standby(primary, Duration.ofSeconds(1)),
                new ServiceLimits(200, 2, 100, 100, 100),
                new Settings.Service("", "", Duration.ofSeconds(10), 262_144),
                new Settings.Events(Duration.ofHours(168), "", "orders")), settings);
        assertTrue(settings.database().embedded(), "no db.url: an embedded PostgreSQL");
        assertFalse(settings.standby().configured());
    }

    @Test
    void overridesWinOverApplicationYaml() {
        Settings settings = read(Map.ofEntries(
                Map.entry("db.url", "jdbc:postgresql://db.example:5432/orders"),
                Map.entry("db.user", "orders"),
                Map.entry("db.password", "s3cret"),
                Map.entry("db.startup-timeout", "PT5S"),
                Map.entry("db.pool.maximumPoolSize", "30"),
                Map.entry("db.pool.dataSource.sslmode", "require"),
                Map.entry("service.max-concurrent-calls", "7"),
                Map.entry("service.max-page-size", "1"),
                Map.entry("service.paging.secret", "shared"),
                Map.entry("service.auth.token", "t0ken"),
                Map.entry("service.shutdown-grace-period", "PT0.5S"),
                Map.entry("server.protocols.grpc.max-read-buffer-size", "65536"),
                Map.entry("events.retention", "PT1H"),
                Map.entry("events.rabbitmq.uri", "amqp://guest:guest@127.0.0.1:5672"),
                Map.entry("events.rabbitmq.exchange", "order-events")));

        assertEquals(new DatabaseSettings("jdbc:postgresql://db.example:5432/orders", "orders", "s3cret"),
                     settings.database().connection());
        assertFalse(settings.database().embedded());
        assertEquals(Duration.ofSeconds(5), settings.database().startupTimeout());
        assertEquals("30", settings.database().pool().getProperty("maximumPoolSize"));
        assertEquals("require", settings.database().pool().getProperty("dataSource.sslmode"), "a setting of HikariCP's own");
        assertEquals("orders", settings.database().pool().getProperty("poolName"), "the others kept");
        assertEquals(new ServiceLimits(7, 2, 100, 1, 100), settings.limits());
        assertEquals(new Settings.Service("shared", "t0ken", Duration.ofMillis(500), 65_536), settings.service());
        assertEquals(new Settings.Events(Duration.ofHours(1), "amqp://guest:guest@127.0.0.1:5672", "order-events"),
                     settings.events());
    }

    @Test
    void theStandbyLogsInAsThePrimaryUnlessToldOtherwise() {
        Map<String, String> primary = Map.of("db.url", "jdbc:postgresql://primary/orders", "db.user", "orders",
                                             "db.password", "s3cret", "db.replica-url", "jdbc:postgresql://standby/orders");
        Map<String, String> ownLogin = new HashMap<>(primary);
        ownLogin.put("db.replica-user", "reader");
        ownLogin.put("db.replica-password", "other");
        ownLogin.put("db.replica-max-lag", "PT0.25S");

        Settings.Standby asPrimary = read(primary).standby();
        Settings.Standby ofItsOwn = read(ownLogin).standby();

        assertTrue(asPrimary.configured());
        assertEquals(new DatabaseSettings("jdbc:postgresql://standby/orders", "orders", "s3cret"), asPrimary.connection());
        assertEquals(new Settings.Standby(new DatabaseSettings("jdbc:postgresql://standby/orders", "reader", "other"),
                                          Duration.ofMillis(250)), ofItsOwn);
    }

    @ParameterizedTest
    @CsvSource({
        "service.max-concurrent-calls, many",
        "service.max-page-size, 1.5",
        "db.startup-timeout, soon",
        "db.health-check-interval, 2",
        "db.replica-max-lag, PT",
        "service.shutdown-grace-period, 10s",
        "events.retention, ''",
        "server.protocols.grpc.max-read-buffer-size, big"})
    void aMalformedValueFailsTheStartNamingItsKey(String key, String value) {
        StartFailure failure = assertThrows(StartFailure.class, () -> read(Map.of(key, value)));

        assertTrue(failure.getMessage().startsWith("Invalid configuration: "), failure.getMessage());
        assertTrue(failure.getMessage().contains(key), failure.getMessage());
    }

    @ParameterizedTest
    @CsvSource({
        "service.max-concurrent-calls, 0, max-concurrent-calls 0",
        "service.max-concurrent-exports, -1, max-concurrent-exports -1",
        "service.max-lines-per-order, 0, max-lines-per-order 0",
        "service.max-page-size, 0, max-page-size 0",
        "service.max-concurrent-watchers, 0, max-concurrent-watchers 0"})
    void aLimitBelowOneFailsTheStartNamingIt(String key, String value, String named) {
        StartFailure failure = assertThrows(StartFailure.class, () -> read(Map.of(key, value)));

        assertTrue(failure.getMessage().startsWith("Invalid configuration: service limits must be positive: "),
                   failure.getMessage());
        assertTrue(failure.getMessage().contains(named), failure.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"db.url", "db.user", "db.password", "db.embedded-data-dir", "db.startup-timeout",
                            "db.health-check-interval", "db.replica-url", "db.replica-max-lag",
                            "service.max-concurrent-calls", "service.max-concurrent-exports", "service.max-lines-per-order",
                            "service.max-page-size", "service.max-concurrent-watchers", "service.paging.secret",
                            "service.auth.token", "service.shutdown-grace-period", "events.retention",
                            "events.rabbitmq.uri", "events.rabbitmq.exchange"})
    void aMissingValueFailsTheStartNamingItsKey(String key) {
        Map<String, String> withoutIt = new HashMap<>(APPLICATION_YAML);
        assertNotNull(withoutIt.remove(key), key + " is in application.yaml");

        StartFailure failure = assertThrows(StartFailure.class, () -> Settings.read(only(withoutIt)));

        assertTrue(failure.getMessage().startsWith("Invalid configuration: "), failure.getMessage());
        assertTrue(failure.getMessage().contains(key), failure.getMessage());
    }

    @Test
    void applicationYamlAloneIsReadWhole() {
        assertEquals(read(Map.of()), Settings.read(only(APPLICATION_YAML)), "the flattening the tests above rely on");
    }

    /** application.yaml under {@code overrides}, as ServiceFixture starts a server, without the environment. */
    private static Settings read(Map<String, String> overrides) {
        return Settings.read(Config.builder()
                .disableEnvironmentVariablesSource()
                .disableSystemPropertiesSource()
                .sources(ConfigSources.create(overrides), ConfigSources.classpath("application.yaml"))
                .build());
    }

    /** Only {@code settings}. */
    private static Config only(Map<String, String> settings) {
        return Config.just(ConfigSources.create(settings));
    }
}
