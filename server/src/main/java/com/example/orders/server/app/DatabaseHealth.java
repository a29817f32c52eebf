package com.example.orders.server.app;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import com.example.orders.v1.OrderServiceGrpc;

import io.grpc.Context;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.protobuf.services.HealthStatusManager;
import io.helidon.dbclient.DbClient;
import io.helidon.health.HealthCheck;
import io.helidon.health.HealthCheckResponse;
import io.helidon.health.HealthCheckType;

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

    private DatabaseHealth(DbClient db, HealthStatusManager grpcHealth, Duration interval) {
        this.grpcHealth = grpcHealth;
        // Two threads: one runs the checks, the other fires their deadlines.
        this.scheduler = Executors.newScheduledThreadPool(2, Thread.ofPlatform().name("database-health").daemon().factory());
        this.check = new DatabaseCheck(db, interval, scheduler);
    }

    /** Checks once now, so the status is right from the start, then every {@code interval}. */
    static DatabaseHealth start(DbClient db, HealthStatusManager grpcHealth, Duration interval) {
        DatabaseHealth health = new DatabaseHealth(db, grpcHealth, interval);
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

    /**
     * Named "database" on /observe/health; readiness, since a restart does not bring a database back.
     * A query that has not answered within {@code timeout} is cancelled (the pool stops statements when
     * the io.grpc.Context they run in is cancelled) and the database counts as down.
     */
    private record DatabaseCheck(DbClient db, Duration timeout, ScheduledExecutorService timer) implements HealthCheck {

        @Override
        public String name() {
            return "database";
        }

        @Override
        public HealthCheckType type() {
            return HealthCheckType.READINESS;
        }

        @Override
        public HealthCheckResponse call() {
            Context.CancellableContext bounded = Context.current()
                    .withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS, timer);
            try {
                bounded.run(() -> db.execute().get("SELECT 1"));
                return HealthCheckResponse.builder().status(HealthCheckResponse.Status.UP).build();
            } catch (RuntimeException e) {
                return HealthCheckResponse.builder()
                        .status(HealthCheckResponse.Status.DOWN)
                        .detail("error", e.getMessage())
                        .build();
            } finally {
                bounded.cancel(null);
            }
        }
    }
}
