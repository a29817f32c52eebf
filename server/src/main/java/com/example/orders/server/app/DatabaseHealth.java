package com.example.orders.server.app;

import java.lang.System.Logger.Level;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import com.example.orders.server.db.ConnectionPool;
import com.example.orders.server.db.DatabaseCircuit;
import com.example.orders.v1.OrderServiceGrpc;

import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.protobuf.services.HealthStatusManager;
import io.helidon.health.HealthCheck;
import io.helidon.health.HealthCheckResponse;
import io.helidon.health.HealthCheckType;

/**
 * Checks the database every {@code interval} and sets the gRPC health status of the server ("") and
 * of the OrderService from the answer: NOT_SERVING while the database cannot be reached. It also opens
 * and closes the {@link DatabaseCircuit}; while the database is down it checks back to back, so that
 * calls go to it again within a second of its return, and a call that finds it unreachable has it
 * check at once.
 */
final class DatabaseHealth implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(DatabaseHealth.class.getName());
    private static final long RECHECK_WHILE_DOWN_MILLIS = 100;

    private final HealthCheck check;
    private final DatabaseCircuit circuit;
    private final HealthStatusManager grpcHealth;
    private final Duration interval;
    /** One thread: checks never overlap. */
    private final ScheduledExecutorService checks =
            Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("database-health").daemon().factory());
    private final AtomicBoolean closed = new AtomicBoolean();
    private ScheduledFuture<?> nextCheck;
    private ServingStatus status;

    private DatabaseHealth(ConnectionPool pool, DatabaseCircuit circuit, HealthStatusManager grpcHealth,
                           Duration interval) {
        this.circuit = circuit;
        this.grpcHealth = grpcHealth;
        this.interval = interval;
        this.check = new DatabaseCheck(pool, interval);
    }

    /** Checks once now, so the status is right from the start, then every {@code interval}. */
    static DatabaseHealth start(ConnectionPool pool, DatabaseCircuit circuit, HealthStatusManager grpcHealth,
                                Duration interval) {
        DatabaseHealth health = new DatabaseHealth(pool, circuit, grpcHealth, interval);
        health.update();
        circuit.whenOpened(() -> health.checkIn(0));
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
        if (next == ServingStatus.SERVING) {
            circuit.reachable();
            checkIn(interval.toMillis());
        } else {
            circuit.unreachable();
            checkIn(RECHECK_WHILE_DOWN_MILLIS);
        }
    }

    /** The next check, in place of the one planned. */
    private synchronized void checkIn(long millis) {
        if (closed.get()) {
            return;
        }
        if (nextCheck != null) {
            nextCheck.cancel(false);
        }
        nextCheck = checks.schedule(this::update, millis, TimeUnit.MILLISECONDS);
    }

    /** Stops the checks and turns every status NOT_SERVING for good; may be called more than once. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            checks.shutdownNow();
            grpcHealth.enterTerminalState(); // warns with a stack trace when called twice
        }
    }

    /**
     * Named "database" on /observe/health; readiness, since a restart does not bring a database back.
     * It asks the database itself, on a connection of its own, not the pool (see ConnectionPool.probe).
     */
    private record DatabaseCheck(ConnectionPool pool, Duration timeout) implements HealthCheck {

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
            try {
                pool.probe(timeout);
                return HealthCheckResponse.builder().status(HealthCheckResponse.Status.UP).build();
            } catch (SQLException e) {
                return HealthCheckResponse.builder()
                        .status(HealthCheckResponse.Status.DOWN)
                        .detail("error", e.getMessage())
                        .build();
            }
        }
    }
}
