package com.example.orders.server.app;

import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;

import com.example.orders.server.db.ConnectionPool;
import com.example.orders.server.db.CustomerStore;
import com.example.orders.server.db.DatabaseCircuit;
import com.example.orders.server.db.EventNotifications;
import com.example.orders.server.db.EventStore;
import com.example.orders.server.db.OrderStore;
import com.example.orders.server.db.ProductStore;
import com.example.orders.server.db.Reads;
import com.example.orders.server.db.Standby;
import com.example.orders.server.db.StatementCounter;
import com.example.orders.server.db.StatementMetrics;
import com.example.orders.server.db.Writes;
import com.example.orders.server.grpc.CallGate;
import com.example.orders.server.grpc.GrpcPipeline;
import com.example.orders.server.grpc.OrderGrpcService;
import com.example.orders.server.grpc.PageTokens;
import com.example.orders.server.grpc.ServiceLimits;
import com.example.orders.v1.OrderServiceGrpc;

import io.grpc.protobuf.services.HealthStatusManager;
import io.helidon.config.Config;
import io.helidon.dbclient.DbClient;
import io.helidon.dbclient.jdbc.JdbcClientBuilder;
import io.helidon.metrics.api.MeterRegistry;
import io.helidon.service.registry.Services;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.grpc.GrpcConfig;
import io.helidon.webserver.grpc.GrpcRouting;
import io.helidon.webserver.observe.ObserveFeature;
import io.helidon.webserver.observe.health.HealthObserver;
import io.helidon.webserver.observe.health.HealthObserverConfig;
import io.helidon.webserver.observe.metrics.MetricsObserver;

/**
 * The running service: database (external or embedded), schema, connection pool, health, and the
 * web server with gRPC and the observe endpoints. Closing it stops them in reverse order.
 */
public final class OrderServer implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(OrderServer.class.getName());

    private final List<AutoCloseable> resources;
    private final StatementCounter statements;
    private final OrderStore orders;
    private final DatabaseHealth health;
    private final OrderGrpcService orderService;
    private final CallGate gate;
    private final Duration gracePeriod;
    private final WebServer webServer;

    private OrderServer(List<AutoCloseable> resources, StatementCounter statements, OrderStore orders,
                        DatabaseHealth health, OrderGrpcService orderService, CallGate gate, Duration gracePeriod,
                        WebServer webServer) {
        this.resources = resources;
        this.statements = statements;
        this.orders = orders;
        this.health = health;
        this.orderService = orderService;
        this.gate = gate;
        this.gracePeriod = gracePeriod;
        this.webServer = webServer;
    }

    public static OrderServer start(Config config) {
        // Everything started so far, stopped in reverse order on close or on a failed start.
        List<AutoCloseable> resources = new ArrayList<>();
        try {
            Config dbConfig = config.get("db");
            DatabaseSettings database = database(dbConfig, resources);
            Migrations.apply(database, dbConfig.get("startup-timeout").as(Duration.class)
                    .orElse(Duration.ofSeconds(60)));

            DatabaseCircuit circuit = DatabaseCircuit.primary();
            ConnectionPool pool = ConnectionPool.create(database.url(), database.user(), database.password(),
                                                        poolSettings(dbConfig.get("pool")), circuit);
            MeterRegistry meters = Services.get(MeterRegistry.class);
            StatementCounter statements = new StatementCounter();
            StatementMetrics statementMetrics = StatementMetrics.register(meters);
            DbClient db = dbClient(pool, statements, statementMetrics);
            resources.add(db); // closes the pool
            resources.add(PoolMetrics.register(pool, "db.pool", meters));

            HealthStatusManager grpcHealth = new HealthStatusManager();
            Duration checkInterval = dbConfig.get("health-check-interval").as(Duration.class).orElse(Duration.ofSeconds(2));
            DatabaseHealth health = DatabaseHealth.start(pool, circuit, grpcHealth, checkInterval);
            resources.add(health);
            HealthObserverConfig.Builder healthObserver = HealthObserver.builder().details(true).addCheck(health.check());

            String standbyUrl = standbySetting(dbConfig, "url").orElse("");
            Writes writes = standbyUrl.isBlank() ? Writes.onPrimary(db) : Writes.trackingPositions(db);
            Reads reads = standbyUrl.isBlank()
                    ? Reads.onPrimary(db)
                    : Reads.onStandby(db, standby(standbyUrl, dbConfig, database, pool, writes, statements,
                                                  statementMetrics, meters, checkInterval, healthObserver, resources));
            // Events stay on the primary: the standby neither sends its NOTIFYs nor is ahead of it.
            EventStore events = new EventStore(db);
            EventNotifications notifications = EventNotifications.start(pool);
            resources.add(notifications);
            OrderStore orders = new OrderStore(writes, reads, notifications.written());
            startEventWork(config.get("events"), events, notifications, meters, resources);

            Config serviceConfig = config.get("service");
            ServiceLimits limits = limits(serviceConfig);
            CallGate gate = new CallGate(limits.maxConcurrentCalls(),
                                         Set.of(OrderServiceGrpc.getWatchOrderEventsMethod().getFullMethodName()));
            OrderGrpcService orderService = new OrderGrpcService(
                    new CustomerStore(writes, reads), new ProductStore(writes, reads), orders, events, notifications,
                    new PageTokens(pageTokenSecret(serviceConfig)), limits);
            GrpcRouting.Builder grpc = GrpcPipeline.routing(
                    orderService, grpcHealth, gate, serviceConfig.get("auth.token").asString().orElse(""),
                    GrpcConfig.create(config.get("server.protocols.grpc")).maxReadBufferSize(), meters);
            WebServer webServer = WebServer.builder()
                    .config(config.get("server"))
                    .addConnectionSelector(GrpcPipeline.connections(config.get("server.protocols")))
                    .addRouting(grpc)
                    .addFeature(ObserveFeature.builder()
                            .addObserver(healthObserver.build())
                            .addObserver(MetricsObserver.create())
                            .build())
                    .build()
                    .start();
            LOG.log(Level.INFO, "Order service listening on port {0} (gRPC, /observe/health, /observe/metrics), "
                    + "database {1}{2}", String.valueOf(webServer.port()), database.safeUrl(),
                    standbyUrl.isBlank() ? "" : ", reads on the standby " + DatabaseSettings.safe(standbyUrl));
            Duration gracePeriod = serviceConfig.get("shutdown-grace-period").as(Duration.class)
                    .orElse(Duration.ofSeconds(10));
            return new OrderServer(resources, statements, orders, health, orderService, gate, gracePeriod, webServer);
        } catch (RuntimeException e) {
            closeAll(resources);
            throw e;
        }
    }

    /** The standby at {@code url} that takes the reads it can (see Standby), with its pool, health and metrics. */
    private static Standby standby(String url, Config dbConfig, DatabaseSettings database, ConnectionPool primaryPool,
                                   Writes writes, StatementCounter statements, StatementMetrics statementMetrics,
                                   MeterRegistry meters, Duration checkInterval,
                                   HealthObserverConfig.Builder healthObserver, List<AutoCloseable> resources) {
        Properties standbySettings = poolSettings(dbConfig.get("pool"));
        standbySettings.setProperty("poolName", standbySettings.getProperty("poolName", "orders") + "-replica");
        Standby standby = Standby.start(
                url,
                standbySetting(dbConfig, "user").orElse(database.user()),
                standbySetting(dbConfig, "password").orElse(database.password()),
                standbySettings, writes, primaryPool,
                Duration.parse(standbySetting(dbConfig, "max-lag").orElse("PT1S")),
                pool -> dbClient(pool, statements, statementMetrics));
        resources.add(standby);
        resources.add(PoolMetrics.register(standby.pool(), "db.replica.pool", meters));
        resources.add(StandbyMetrics.register(standby, meters));
        DatabaseHealth standbyHealth = DatabaseHealth.startForStandby(standby, checkInterval);
        resources.add(standbyHealth);
        healthObserver.addCheck(standbyHealth.check());
        return standby;
    }

    private static ServiceLimits limits(Config service) {
        return new ServiceLimits(service.get("max-concurrent-calls").asInt().orElse(200),
                                 service.get("max-concurrent-exports").asInt().orElse(2),
                                 service.get("max-lines-per-order").asInt().orElse(100),
                                 service.get("max-page-size").asInt().orElse(100),
                                 service.get("max-concurrent-watchers").asInt().orElse(100));
    }

    /**
     * The sequencer, which every instance runs, and the relay to RabbitMQ when a broker is configured.
     * Without one, events older than the retention are pruned whether published or not.
     */
    private static void startEventWork(Config events, EventStore store, EventNotifications notifications,
                                       MeterRegistry meters, List<AutoCloseable> resources) {
        Duration retention = events.get("retention").as(Duration.class).orElse(Duration.ofDays(7));
        String brokerUri = events.get("rabbitmq.uri").asString().orElse("");
        resources.add(EventSequencer.start(store, notifications, retention, brokerUri.isBlank()));
        if (!brokerUri.isBlank()) {
            resources.add(RabbitRelay.start(store, notifications, brokerUri,
                                            events.get("rabbitmq.exchange").asString().orElse("orders"), meters));
        }
    }

    /** The configured secret, or a random one: then tokens only work with this process. */
    private static byte[] pageTokenSecret(Config service) {
        String secret = service.get("paging.secret").asString().orElse("");
        if (!secret.isEmpty()) {
            return secret.getBytes(StandardCharsets.UTF_8);
        }
        LOG.log(Level.INFO, "Page tokens are signed with a key of this process only; set service.paging.secret "
                + "(SERVICE_PAGING_SECRET) for tokens that work across instances and restarts");
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        return random;
    }

    /** The configured database, or an embedded one when {@code db.url} is empty. */
    private static DatabaseSettings database(Config dbConfig, List<AutoCloseable> resources) {
        String url = dbConfig.get("url").asString().orElse("");
        if (url.isBlank()) {
            EmbeddedDatabase embedded = EmbeddedDatabase.start(
                    Path.of(dbConfig.get("embedded-data-dir").asString().orElse("data")));
            resources.add(embedded);
            return embedded.settings();
        }
        return new DatabaseSettings(url,
                                    dbConfig.get("user").asString().orElse("postgres"),
                                    dbConfig.get("password").asString().orElse(""));
    }

    /**
     * db.replica-NAME; the environment variable DB_REPLICA_NAME arrives as db.replica.NAME (Helidon
     * turns only underscores into dots): DB_REPLICA_MAX_LAG as db.replica.max.lag.
     */
    private static Optional<String> standbySetting(Config dbConfig, String name) {
        return dbConfig.get("replica-" + name).asString().asOptional()
                .or(() -> dbConfig.get("replica." + name.replace('-', '.')).asString().asOptional());
    }

    private static DbClient dbClient(ConnectionPool pool, StatementCounter statements, StatementMetrics metrics) {
        return JdbcClientBuilder.create()
                .connectionPool(pool)
                .addService(statements)
                .addService(metrics)
                .build();
    }

    private static Properties poolSettings(Config pool) {
        Properties settings = new Properties();
        pool.detach().asMap().orElse(Map.of()).forEach(settings::setProperty);
        return settings;
    }

    public int port() {
        return webServer.port();
    }

    /** Statements run by gRPC calls since start. */
    public long statementsExecuted() {
        return statements.total();
    }

    /** Orders read by ExportOrders calls since start. */
    public long ordersExported() {
        return orders.ordersExported();
    }

    /**
     * Graceful stop: health turns NOT_SERVING (so load balancers stop sending calls), watches end
     * (UNAVAILABLE: watch elsewhere), new calls are refused (UNAVAILABLE), those in flight get the
     * grace period to finish; then the web server, the
     * pool and the embedded database stop.
     */
    @Override
    public void close() {
        LOG.log(Level.INFO, "Stopping: {0} calls in flight, grace period {1}", gate.inFlight(), gracePeriod);
        health.close(); // also among the resources, for a failed start: closing it again does nothing
        try {
            orderService.stopWatches(Duration.ofSeconds(1));
            if (!gate.drain(gracePeriod)) {
                LOG.log(Level.WARNING, "{0} calls still running after the grace period are cut off", gate.inFlight());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        webServer.stop();
        closeAll(resources);
        LOG.log(Level.INFO, "Order service stopped");
    }

    private static void closeAll(List<AutoCloseable> resources) {
        for (AutoCloseable resource : resources.reversed()) {
            try {
                resource.close();
            } catch (Exception e) {
                LOG.log(Level.WARNING, "Could not stop " + resource, e);
            }
        }
    }
}
