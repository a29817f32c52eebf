package com.example.orders.server.app;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import com.example.orders.v1.OrderServiceGrpc;

import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.protobuf.services.HealthStatusManager;
import io.helidon.dbclient.DbClient;
import io.helidon.dbclient.health.DbClientHealthCheck;
import io.helidon.health.HealthCheck;
import io.helidon.health.HealthCheckResponse;

/**
 * Pings the database at a fixed interval and sets the gRPC health status of the server ("") and of
 * the OrderService from the answer: NOT_SERVING while the database cannot be reached.
 */
final class DatabaseHealth implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(DatabaseHealth.class.getName());

    private final HealthCheck check;
    private final HealthStatusManager grpcHealth;
    private final ScheduledExecutorService scheduler;
    private final AtomicBoolean closed = new AtomicBoolean();
    private ServingStatus status;

    private DatabaseHealth(HealthCheck check, HealthStatusManager grpcHealth) {
        this.check = check;
        this.grpcHealth = grpcHealth;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("database-health").daemon().factory());
    }

    /** Checks once now, so the status is right from the start, then every {@code interval}. */
    static DatabaseHealth start(DbClient db, HealthStatusManager grpcHealth, Duration interval) {
        HealthCheck check = DbClientHealthCheck.builder(db)
                .name("database")
                .query()
                .statement("SELECT 1")
                .timeout(interval)
                .build();
        DatabaseHealth health = new DatabaseHealth(check, grpcHealth);
        health.update();
        health.scheduler.scheduleWithFixedDelay(health::update, interval.toMillis(), interval.toMillis(),
                                                TimeUnit.MILLISECONDS);
        return health;
    }

    /** The database check, also served on /observe/health. */
    HealthCheck check() {
        return check;
    }

    private void update() {
        HealthCheckResponse response = check.call();
        ServingStatus next = response.status() == HealthCheckResponse.Status.UP
                ? ServingStatus.SERVING
                : ServingStatus.NOT_SERVING;
        if (next != status) {
            if (next == ServingStatus.SERVING) {
                LOG.log(Level.INFO, "Database reachable: gRPC health SERVING");
            } else {
                LOG.log(Level.WARNING, "Database unreachable: gRPC health NOT_SERVING ({0})", response.details());
            }
            status = next;
        }
        grpcHealth.setStatus(HealthStatusManager.SERVICE_NAME_ALL_SERVICES, next);
        grpcHealth.setStatus(OrderServiceGrpc.SERVICE_NAME, next);
    }

    /** Stops the checks and turns every status NOT_SERVING for good; may be called more than once. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            scheduler.shutdownNow();
            grpcHealth.enterTerminalState(); // warns with a stack trace when called twice
        }
    }
}
