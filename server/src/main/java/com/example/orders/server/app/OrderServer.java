package com.example.orders.server.app;

import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;

import com.example.orders.server.db.ConnectionPool;
import com.example.orders.server.db.CustomerStore;
import com.example.orders.server.db.DatabaseCircuit;
import com.example.orders.server.db.EventStore;
import com.example.orders.server.db.OrderStore;
import com.example.orders.server.db.ProductStore;
import com.example.orders.server.db.Reads;
import com.example.orders.server.db.Standby;
import com.example.orders.server.db.StatementObservation;
import com.example.orders.server.db.Writes;
import com.example.orders.server.events.EventNotifications;
import com.example.orders.server.events.EventSequencer;
import com.example.orders.server.events.EventWatches;
import com.example.orders.server.events.RabbitRelay;
import com.example.orders.server.grpc.CallGate;
import com.example.orders.server.grpc.GrpcPipeline;
import com.example.orders.server.grpc.OrderGrpcService;
import com.example.orders.server.grpc.PageTokens;
import com.example.orders.v1.OrderServiceGrpc;

import io.grpc.protobuf.services.HealthStatusManager;
import io.helidon.config.Config;
import io.helidon.dbclient.DbClient;
import io.helidon.dbclient.jdbc.JdbcClientBuilder;
import io.helidon.health.HealthCheck;
import io.helidon.metrics.api.MeterRegistry;
import io.helidon.service.registry.Services;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.observe.ObserveFeature;
import io.helidon.webserver.observe.health.HealthObserver;
import io.helidon.webserver.observe.metrics.MetricsObserver;

/**
 * The running service, assembled from the database up: the database (external or embedded) and its
 * schema, the data layer on its pools, the workers of order events, and the web server with the gRPC
 * pipeline (grpc/GrpcPipeline: every layer a call meets) and the observe endpoints. Closing it stops
 * them gracefully, in reverse order.
 */
public final class OrderServer implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(OrderServer.class.getName());

    private final Resources started;
    private final StatementObservation statements;
    private final OrderStore orders;
    private final DatabaseHealth health;
    private final EventWatches watches;
    private final CallGate gate;
    private final Duration gracePeriod;
    private final WebServer webServer;

    private OrderServer(Resources started, StatementObservation statements, OrderStore orders, DatabaseHealth health,
                        EventWatches watches, CallGate gate, Duration gracePeriod, WebServer webServer) {
        this.started = started;
        this.statements = statements;
        this.orders = orders;
        this.health = health;
        this.watches = watches;
        this.gate = gate;
        this.gracePeriod = gracePeriod;
        this.webServer = webServer;
    }

    public static OrderServer start(Config config) {
        Settings settings = Settings.read(config);
        Resources started = new Resources();
        try {
            MeterRegistry meters = Services.get(MeterRegistry.class);
            JvmMetrics.bindOnce(meters);
            Tracing tracing = started.add(Tracing.fromEnvironment()); // closed last: exports the last calls' spans
            DatabaseSettings database = database(settings.database(), started);
            Migrations.apply(database, settings.database().startupTimeout());

            // The data layer: the primary's pool, health and circuit, and a standby's if configured.
            StatementObservation statements = StatementObservation.register(meters);
            DatabaseCircuit circuit = DatabaseCircuit.primary(settings.database().failoverWait(),
                                                              settings.database().expectedFailover());
            ConnectionPool pool = ConnectionPool.create(database.url(), database.user(), database.password(),
                                                        settings.database().pool(), circuit);
            DbClient primary = started.add(dbClient(pool, statements)); // closes the pool
            started.add(PoolMetrics.register(pool, "primary", meters));
            started.add(FailoverMetrics.register(circuit, meters));
            HealthStatusManager grpcHealth = new HealthStatusManager();
            DatabaseHealth health = started.add(DatabaseHealth.start(pool, circuit, grpcHealth,
                                                                     settings.database().healthCheckInterval()));
            List<HealthCheck> healthChecks = new ArrayList<>(List.of(health.check()));
            boolean standby = settings.standby().configured();
            Writes writes = standby ? Writes.trackingPositions(primary) : Writes.onPrimary(primary);
            Reads reads = standby
                    ? Reads.onStandby(primary, standby(settings, pool, writes, statements, meters, healthChecks, started))
                    : Reads.onPrimary(primary);

            // Order events, all on the primary: the standby neither sends its NOTIFYs nor is ahead of it.
            EventStore events = new EventStore(primary);
            EventNotifications notifications = started.add(EventNotifications.start(pool));
            String broker = settings.events().rabbitMqUri();
            // Without a broker, events older than the retention are pruned whether published or not.
            started.add(EventSequencer.start(events, notifications, settings.events().retention(), broker.isBlank()));
            if (!broker.isBlank()) {
                started.add(relay(events, notifications, settings.events(), meters));
            }
            EventWatches watches = new EventWatches(events, notifications, settings.limits().maxConcurrentWatchers());
            // A write wakes the sequencer only while something here follows events (a relay, a watch):
            // otherwise the sequencer's poll gives them their ids, not a transaction per write.
            Runnable eventsWritten = () -> {
                if (!broker.isBlank() || watches.watching()) {
                    notifications.written().signal();
                }
            };

            // The gRPC service and the web server.
            OrderStore orders = new OrderStore(writes, reads, eventsWritten);
            OrderGrpcService orderService = new OrderGrpcService(
                    new CustomerStore(writes, reads), new ProductStore(writes, reads), orders, watches,
                    new PageTokens(pageTokenSecret(settings.service())), settings.limits());
            CallGate gate = new CallGate(settings.limits().maxConcurrentCalls(),
                                         Set.of(OrderServiceGrpc.getWatchOrderEventsMethod().getFullMethodName()));
            started.add(CallGateMetrics.register(gate, settings.limits().maxConcurrentCalls(), meters));
            WebServer webServer = WebServer.builder()
                    .config(config.get("server"))
                    .addConnectionSelector(GrpcPipeline.connections(config.get("server.protocols")))
                    .addRouting(GrpcPipeline.routing(orderService, grpcHealth, gate, settings.service().authToken(),
                                                     settings.service().maxRequestBytes(), meters, tracing.calls()))
                    .addFeature(ObserveFeature.builder()
                            .addObserver(HealthObserver.builder().details(true).addChecks(healthChecks.toArray(HealthCheck[]::new)).build())
                            .addObserver(MetricsObserver.create())
                            .build())
                    .build()
                    .start();
            LOG.log(Level.INFO, "Order service listening on port {0} (gRPC, /observe/health, /observe/metrics), "
                    + "database {1}{2}", String.valueOf(webServer.port()), database.safeUrl(),
                    standby ? ", reads on the standby " + settings.standby().connection().safeUrl() : "");
            return new OrderServer(started, statements, orders, health, watches, gate,
                                   settings.service().shutdownGracePeriod(), webServer);
        } catch (RuntimeException e) {
            started.close();
            BatchingConsoleHandler.flushAll();
            throw e;
        }
    }

    /** The configured database, or an embedded one when {@code db.url} is empty. */
    private static DatabaseSettings database(Settings.Database database, Resources started) {
        if (!database.embedded()) {
            return database.connection();
        }
        return started.add(EmbeddedDatabase.start(database.embeddedDataDir())).settings();
    }

    /** The standby that takes the reads it can (see Standby), with its pool, health check and metrics. */
    private static Standby standby(Settings settings, ConnectionPool primaryPool, Writes writes,
                                   StatementObservation statements, MeterRegistry meters,
                                   List<HealthCheck> healthChecks, Resources started) {
        DatabaseSettings connection = settings.standby().connection();
        Properties pool = new Properties();
        pool.putAll(settings.database().pool());
        pool.setProperty("poolName", pool.getProperty("poolName", "orders") + "-replica");
        Standby standby = started.add(Standby.start(connection.url(), connection.user(), connection.password(), pool,
                                                    writes, primaryPool, settings.standby().maxLag(),
                                                    standbyPool -> dbClient(standbyPool, statements)));
        started.add(PoolMetrics.register(standby.pool(), "replica", meters));
        started.add(StandbyMetrics.register(standby, settings.standby().maxLag(), meters));
        DatabaseHealth standbyHealth = started.add(DatabaseHealth.startForStandby(
                standby, settings.database().healthCheckInterval()));
        healthChecks.add(standbyHealth.check());
        return standby;
    }

    private static RabbitRelay relay(EventStore events, EventNotifications notifications, Settings.Events settings,
                                     MeterRegistry meters) {
        try {
            return RabbitRelay.start(events, notifications, settings.rabbitMqUri(), settings.rabbitMqExchange(), meters);
        } catch (IllegalArgumentException e) {
            throw new StartFailure(e.getMessage());
        }
    }

    /** The configured secret, or a random one: then tokens only work with this process. */
    private static byte[] pageTokenSecret(Settings.Service service) {
        if (!service.pagingSecret().isEmpty()) {
            return service.pagingSecret().getBytes(StandardCharsets.UTF_8);
        }
        LOG.log(Level.INFO, "Page tokens are signed with a key of this process only; set service.paging.secret "
                + "(SERVICE_PAGING_SECRET) for tokens that work across instances and restarts");
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        return random;
    }

    private static DbClient dbClient(ConnectionPool pool, StatementObservation statements) {
        return JdbcClientBuilder.create().connectionPool(pool).addService(statements).build();
    }

    public int port() {
        return webServer.port();
    }

    /** Statements run by gRPC calls since start. */
    public long statementsExecuted() {
        return statements.callStatements();
    }

    /** Orders read by ExportOrders calls since start. */
    public long ordersExported() {
        return orders.ordersExported();
    }

    /**
     * Graceful stop: health turns NOT_SERVING (so load balancers stop sending calls), watches end
     * (UNAVAILABLE: watch elsewhere), new calls are refused (UNAVAILABLE), those in flight get the
     * grace period to finish; then the web server, the workers, the pools and the embedded database stop.
     */
    @Override
    public void close() {
        LOG.log(Level.INFO, "Stopping: {0} calls in flight, grace period {1}", gate.inFlight(), gracePeriod);
        health.close(); // also among the resources, for a failed start: closing it again does nothing
        try {
            watches.stopAll(Duration.ofSeconds(1));
            if (!gate.drain(gracePeriod)) {
                LOG.log(Level.WARNING, "{0} calls still running after the grace period are cut off", gate.inFlight());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        webServer.stop();
        started.close();
        LOG.log(Level.INFO, "Order service stopped");
        BatchingConsoleHandler.flushAll(); // the last calls' lines, before the process exits
    }
}
