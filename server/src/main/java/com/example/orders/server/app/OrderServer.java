package com.example.orders.server.app;

import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import com.example.orders.server.db.CustomerStore;
import com.example.orders.server.db.OrderStore;
import com.example.orders.server.db.ProductStore;
import com.example.orders.server.db.StatementCounter;
import com.example.orders.server.grpc.GrpcServices;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import io.helidon.dbclient.DbClient;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.grpc.GrpcRouting;

/**
 * The running service: database (external or embedded), schema, connection pool and web server.
 * Closing it stops them in reverse order.
 */
public final class OrderServer implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(OrderServer.class.getName());

    private final EmbeddedDatabase embedded;
    private final DbClient db;
    private final StatementCounter statements;
    private final OrderStore orders;
    private final WebServer webServer;

    private OrderServer(EmbeddedDatabase embedded,
                        DbClient db,
                        StatementCounter statements,
                        OrderStore orders,
                        WebServer webServer) {
        this.embedded = embedded;
        this.db = db;
        this.statements = statements;
        this.orders = orders;
        this.webServer = webServer;
    }

    public static OrderServer start(Config config) {
        Config dbConfig = config.get("db");
        String url = dbConfig.get("url").asString().orElse("");
        EmbeddedDatabase embedded = url.isBlank()
                ? EmbeddedDatabase.start(Path.of(dbConfig.get("embedded-data-dir").asString().orElse("data")))
                : null;
        DbClient db = null;
        try {
            DatabaseSettings database = embedded != null
                    ? embedded.settings()
                    : new DatabaseSettings(url,
                                           dbConfig.get("user").asString().orElse("postgres"),
                                           dbConfig.get("password").asString().orElse(""));
            Migrations.apply(database);

            StatementCounter statements = new StatementCounter();
            db = DbClient.builder()
                    .config(poolConfig(database, dbConfig.get("pool")))
                    .addService(statements)
                    .build();
            OrderStore orders = new OrderStore(db);

            WebServer webServer = WebServer.builder()
                    .config(config.get("server"))
                    .addRouting(GrpcRouting.builder()
                            .service(GrpcServices.orderService(
                                    new CustomerStore(db), new ProductStore(db), orders)))
                    .build()
                    .start();
            LOG.log(Level.INFO, "Order service listening on port {0} (gRPC), database {1}",
                    String.valueOf(webServer.port()), database.safeUrl());
            return new OrderServer(embedded, db, statements, orders, webServer);
        } catch (RuntimeException e) {
            if (db != null) {
                db.close();
            }
            if (embedded != null) {
                embedded.close();
            }
            throw e;
        }
    }

    /** The DbClient configuration: the connection and the pool settings under {@code db.pool}. */
    private static Config poolConfig(DatabaseSettings database, Config pool) {
        Map<String, String> settings = new HashMap<>();
        pool.detach().asMap().orElse(Map.of()).forEach((key, value) -> settings.put("connection." + key, value));
        settings.put("source", "jdbc");
        settings.put("connection.url", database.url());
        settings.put("connection.username", database.user());
        settings.put("connection.password", database.password());
        return Config.just(ConfigSources.create(settings));
    }

    public int port() {
        return webServer.port();
    }

    /** Statements run since start, across all calls. */
    public long statementsExecuted() {
        return statements.total();
    }

    /** Orders read by ExportOrders calls since start. */
    public long ordersExported() {
        return orders.ordersExported();
    }

    @Override
    public void close() {
        webServer.stop();
        db.close();
        if (embedded != null) {
            embedded.close();
        }
        LOG.log(Level.INFO, "Order service stopped");
    }
}
