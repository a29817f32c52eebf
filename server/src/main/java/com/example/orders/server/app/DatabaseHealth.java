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
import com.example.orders.server.db.ReplicaLag;
import com.example.orders.server.db.Standby;
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
 *
 * <p>A standby ({@code db.replica-url}) is watched the same way, with its own circuit, but its state
 * never touches the gRPC health: while it is down the reads go to the primary and every call is
 * still served.
 */
final class DatabaseHealth implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(DatabaseHealth.class.getName());
    private static final long RECHECK_WHILE_DOWN_MILLIS = 100;

    /** Asks the database. */
    private final DatabaseCheck probe;
    /** What /observe/health shows. */
    private final HealthCheck check;
    private final DatabaseCircuit circuit;
    /** Null for a standby. */
    private final HealthStatusManager grpcHealth;
    private final Duration interval;
    /** One thread: checks never overlap. */
    private final ScheduledExecutorService checks =
            Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("database-health").daemon().factory());
    private final AtomicBoolean closed = new AtomicBoolean();
    private ScheduledFuture<?> nextCheck;
    private ServingStatus status;

    private DatabaseHealth(DatabaseCheck probe, HealthCheck check, DatabaseCircuit circuit,
                           HealthStatusManager grpcHealth, Duration interval) {
        this.probe = probe;
        this.check = check;
        this.circuit = circuit;
        this.grpcHealth = grpcHealth;
        this.interval = interval;
    }

    /**
     * The primary's: checks once now, so the status is right from the start, then every
     * {@code interval}.
     */
    static DatabaseHealth start(ConnectionPool pool, DatabaseCircuit circuit, HealthStatusManager grpcHealth,
                                Duration interval) {
        DatabaseCheck probe = new DatabaseCheck("database", pool, interval, true);
        return start(new DatabaseHealth(probe, new PrimaryCheck(probe, circuit), circuit, grpcHealth, interval));
    }

    /** A standby's: the same, its check named "database-replica", and no gRPC health. */
    static DatabaseHealth startForStandby(Standby standby, Duration interval) {
        DatabaseCheck probe = new DatabaseCheck("database-replica", standby.pool(), interval, false);
        return start(new DatabaseHealth(probe, new StandbyCheck(probe, standby), standby.circuit(), null, interval));
    }

    private static DatabaseHealth start(DatabaseHealth health) {
        health.update();
        health.circuit.whenOpened(() -> health.checkIn(0));
        return health;
    }

    /** The check served on /observe/health. */
    HealthCheck check() {
        return check;
    }

    private void update() {
        HealthCheckResponse response = probe.call();
        boolean reachable = response.status() == HealthCheckResponse.Status.UP;
        if (grpcHealth != null) {
            setGrpcHealth(reachable ? ServingStatus.SERVING : ServingStatus.NOT_SERVING, response);
        }
        if (reachable) {
            circuit.reachable();
            checkIn(interval.toMillis());
        } else {
            circuit.unreachable();
            if (probe.writable()) {
                circuit.diagnosed(probe.pool().anyServerAnswers(interval)
                                  ? DatabaseCircuit.Outage.FAILING_OVER : DatabaseCircuit.Outage.DOWN);
            }
            checkIn(RECHECK_WHILE_DOWN_MILLIS);
        }
    }

    private void setGrpcHealth(ServingStatus next, HealthCheckResponse response) {
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
            if (grpcHealth != null) {
                grpcHealth.enterTerminalState(); // warns with a stack trace when called twice
            }
        }
    }

    /**
     * Named "database" on /observe/health; readiness, since a restart does not bring a database back.
     * It asks the database itself, on a connection of its own, not the pool (see ConnectionPool.probe).
     */
    private record DatabaseCheck(String name, ConnectionPool pool, Duration timeout, boolean writable)
            implements HealthCheck {

        @Override
        public HealthCheckType type() {
            return HealthCheckType.READINESS;
        }

        @Override
        public HealthCheckResponse call() {
            try {
                pool.probe(timeout, writable);
                return HealthCheckResponse.builder().status(HealthCheckResponse.Status.UP).build();
            } catch (SQLException e) {
                return HealthCheckResponse.builder()
                        .status(HealthCheckResponse.Status.DOWN)
                        .detail("error", e.getMessage())
                        .build();
            }
        }
    }

    /** A readiness check under its probe's name, which tells more than the probe's answer. */
    private interface DetailsOfProbe extends HealthCheck {

        DatabaseCheck probe();

        @Override
        default String name() {
            return probe().name();
        }

        @Override
        default HealthCheckType type() {
            return HealthCheckType.READINESS;
        }
    }

    /**
     * "database" on /observe/health: the probe's answer, with what calls do while the database is
     * not served, and how long the last failover took.
     */
    private record PrimaryCheck(DatabaseCheck probe, DatabaseCircuit circuit) implements DetailsOfProbe {

        @Override
        public HealthCheckResponse call() {
            HealthCheckResponse probed = probe.call();
            HealthCheckResponse.Builder response = HealthCheckResponse.builder().status(probed.status());
            probed.details().forEach(response::detail);
            switch (circuit.outage()) {
                case NONE -> { } // served: nothing to tell
                case UNKNOWN -> response.detail("calls", "wait while the outage is looked into");
                case FAILING_OVER -> response.detail("calls", "wait for the new primary: failover under way for "
                        + circuit.outageLength().toMillis() + " ms");
                case DOWN -> response.detail("calls", "fail at once: no server answers");
            }
            if (circuit.lastFailover() != null) {
                response.detail("lastFailoverSeconds", circuit.lastFailover().toMillis() / 1e3);
            }
            return response.build();
        }
    }

    /**
     * "database-replica" on /observe/health: UP while the service serves every call, which it does
     * with the standby down, reads going to the primary. DOWN here would turn /observe/health and
     * /observe/health/ready to 503 (Helidon answers with the worst check), and since every instance
     * reads from the same standby, a standby outage would take them all out of a load balancer's
     * rotation: the very outage the fallback avoids. Where the reads go, and why, is in its data, with
     * how far the standby is behind the primary.
     */
    private record StandbyCheck(DatabaseCheck probe, Standby standby) implements DetailsOfProbe {

        @Override
        public HealthCheckResponse call() {
            HealthCheckResponse probed = probe.call();
            Standby.Status status = standby.status();
            HealthCheckResponse.Builder response = HealthCheckResponse.builder()
                    .status(HealthCheckResponse.Status.UP)
                    .detail("standby", probed.status() == HealthCheckResponse.Status.UP ? "reachable" : "unreachable")
                    .detail("reads", status.takesReads() ? "standby" : "primary")
                    .detail("state", status.state())
                    .detail("readsServed", standby.readsServed())
                    .detail("readsSentToPrimary", standby.readsSentToPrimary());
            ReplicaLag.Behind behind = status.behind();
            if (behind != null) {
                response.detail("lagSeconds", behind.time().toNanos() / 1e9).detail("lagBytes", behind.bytes());
            }
            probed.details().forEach(response::detail);
            return response.build();
        }
    }
}
