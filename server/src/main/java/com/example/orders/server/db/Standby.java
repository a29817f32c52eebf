package com.example.orders.server.db;

import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import java.util.Properties;
import java.util.WeakHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

import io.helidon.dbclient.DbClient;

/**
 * A streaming-replication standby that takes reads, and what is known of how far it has replayed the
 * primary's WAL. A read goes to it only once it has replayed the position the read must see: the
 * highest of the writes this instance has acknowledged ({@link Writes#acknowledged()}) and of the one
 * the caller names ({@link CallScope#readsAtLeast()}). Otherwise, and while it is further behind the
 * primary than the maximum lag, reads go to the primary.
 *
 * <p>What it has replayed is known two ways:
 * <ul>
 * <li>A sampler asks the standby and the primary every {@link #SAMPLE_INTERVAL}, on connections of its
 * own: the lag (health, metrics, the maximum lag), and a forecast of the reads the standby can take,
 * so that a read it cannot take goes to the primary at once.</li>
 * <li>Before a pooled connection serves a read ({@link #admit}), what its own server has replayed:
 * as that connection last saw it, or as the sampler saw it on the same server incarnation, or else
 * asked on the connection itself. Only this is sound. A standby restarted after a crash accepts reads
 * from its minimum recovery point, which can be behind what it had replayed (and the sampler seen)
 * before; one rebuilt starts over; and one host name may lead to several standbys. A server's replay
 * position only grows while it runs, so what a connection learnt holds for every later read on it.</li>
 * </ul>
 */
public final class Standby implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(Standby.class.getName());
    static final Duration SAMPLE_INTERVAL = Duration.ofMillis(50);

    private final DbClient db;
    private final ConnectionPool pool;
    private final DatabaseCircuit circuit;
    private final Positions positions;
    private final ConnectionPool primaryPool;
    private final Duration maxLag;
    private final ReplicaLag lag = new ReplicaLag();
    private final LongAdder servedHere = new LongAdder();
    private final LongAdder sentToPrimary = new LongAdder();
    private final Thread sampler;
    private volatile boolean running = true;

    private Standby(DbClient db, ConnectionPool pool, DatabaseCircuit circuit, Positions positions,
                    ConnectionPool primaryPool, Duration maxLag) {
        this.db = db;
        this.pool = pool;
        this.circuit = circuit;
        this.positions = positions;
        this.primaryPool = primaryPool;
        this.maxLag = maxLag;
        this.sampler = Thread.ofVirtual().name("standby-positions").unstarted(this::sample);
    }

    /**
     * The standby at {@code url} with a pool of its own ({@code settings}), its DbClient made by
     * {@code client}, its positions sampled from now on.
     */
    public static Standby start(String url, String user, String password, Properties settings, Writes writes,
                                ConnectionPool primaryPool, Duration maxLag,
                                Function<ConnectionPool, DbClient> client) {
        DatabaseCircuit circuit = DatabaseCircuit.standby();
        Positions positions = new Positions(writes);
        ConnectionPool pool = ConnectionPool.create(url, user, password, settings, circuit, positions);
        Standby standby = new Standby(client.apply(pool), pool, circuit, positions, primaryPool, maxLag);
        standby.sampler.start();
        return standby;
    }

    DbClient db() {
        return db;
    }

    public ConnectionPool pool() {
        return pool;
    }

    public DatabaseCircuit circuit() {
        return circuit;
    }

    /**
     * Whether this call's reads should try the standby: reachable, in recovery, not further behind
     * than the maximum lag, and, as last sampled, past the position they must see, or so close to the
     * primary that it is likely to be by now ({@link #admit} tells for sure).
     */
    boolean mayServe() {
        Sample sample = positions.latest;
        boolean may = !circuit.isOpen() && sample != null && sample.inRecovery() && sample.withinLag()
                      && (sample.replayed() >= positions.required()
                          || sample.behind().time().compareTo(SAMPLE_INTERVAL) <= 0);
        if (!may) {
            sentToPrimary.increment();
        }
        return may;
    }

    void served() {
        servedHere.increment();
    }

    void sentToPrimary() {
        sentToPrimary.increment();
    }

    /** Reads served by the standby since start. */
    public long readsServed() {
        return servedHere.sum();
    }

    /** Reads that could have gone to the standby and went to the primary since start. */
    public long readsSentToPrimary() {
        return sentToPrimary.sum();
    }

    /** What the standby looks like now, for health and metrics. */
    public Status status() {
        Sample sample = positions.latest;
        if (circuit.isOpen()) {
            return new Status(false, "unreachable", sample == null ? null : sample.behind());
        }
        if (sample == null) {
            return new Status(false, "position unknown", null);
        }
        if (!sample.inRecovery()) {
            return new Status(false, "not in recovery: promoted, or not a standby", null);
        }
        if (!sample.withinLag()) {
            return new Status(false, "behind by more than db.replica-max-lag (" + maxLag + ")", sample.behind());
        }
        return new Status(true, "replaying", sample.behind());
    }

    /**
     * {@code takesReads}: reads that need no newer data go to it; {@code state} says why not;
     * {@code behind} is null when not known.
     */
    public record Status(boolean takesReads, String state, ReplicaLag.Behind behind) {
    }

    private void sample() {
        Connection standby = null;
        Connection primary = null;
        boolean failing = false;
        while (running) {
            try {
                if (standby == null) {
                    standby = pool.openUnpooled();
                }
                Seen seen = Positions.ask(standby);
                primary = samplePrimary(primary);
                ReplicaLag.Behind behind = lag.behind(System.nanoTime(), seen.replayed());
                positions.sampled(new Sample(seen.server(), seen.replayed(), behind,
                                             behind.time().compareTo(maxLag) <= 0));
                if (failing) {
                    LOG.log(Level.INFO, "Standby positions known again");
                    failing = false;
                }
            } catch (SQLException e) {
                if (!failing) {
                    LOG.log(Level.WARNING, "Cannot learn how far the standby has replayed ({0}): reads go to the primary "
                            + "until it is known", e.getMessage());
                    failing = true;
                }
                positions.sampled(null);
                standby = closed(standby);
            }
            try {
                Thread.sleep(SAMPLE_INTERVAL);
            } catch (InterruptedException e) {
                break;
            }
        }
        closed(standby);
        closed(primary);
    }

    /**
     * Adds the primary's position to the lag's history; returns the connection to ask next time. The
     * primary being down is the health check's to report: the lag is then measured against what was
     * seen of it last, and the standby goes on taking the reads it can.
     */
    private Connection samplePrimary(Connection primary) {
        Connection connection = primary;
        try {
            if (connection == null) {
                connection = primaryPool.openUnpooled();
            }
            try (Statement query = connection.createStatement();
                 ResultSet row = query.executeQuery(Sql.PRIMARY_POSITION.jdbcText())) {
                row.next();
                lag.primaryAt(System.nanoTime(), row.getLong("position"));
            }
            return connection;
        } catch (SQLException e) {
            LOG.log(Level.DEBUG, "Could not sample the primary's position", e);
            return closed(connection);
        }
    }

    private static Connection closed(Connection connection) {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException e) {
                LOG.log(Level.DEBUG, "Could not close a sampler connection", e);
            }
        }
        return null;
    }

    /** Stops the sampler, then closes the DbClient and its pool. */
    @Override
    public void close() throws Exception {
        running = false;
        sampler.interrupt();
        sampler.join(Duration.ofSeconds(5));
        db.close();
    }

    /** The standby as the sampler last saw it. {@code replayed} is -1 on a server not in recovery. */
    private record Sample(String server, long replayed, ReplicaLag.Behind behind, boolean withinLag) {

        boolean inRecovery() {
            return replayed >= 0;
        }

        Sample replayedUpTo(long position) {
            return new Sample(server, position, behind, withinLag);
        }
    }

    /** What one server incarnation had replayed when a connection to it asked; -1: not in recovery. */
    private record Seen(String server, long replayed) {
    }

    /** The read was to see a position the standby's connection had not replayed: it goes to the primary. */
    static final class Behind extends SQLException {

        Behind(long required, long replayed) {
            super("the standby has replayed up to " + replayed + ", the read must see " + required);
        }
    }

    /**
     * What is known of the positions of the standby's server(s): the sampler's last look, and each pooled
     * connection's own, which decides whether it may serve a read.
     */
    private static final class Positions implements ConnectionPool.ConnectionCheck {

        private final Writes writes;
        /** Keyed by the driver's connection, which the pool keeps for its whole life; dropped with it. */
        private final Map<Connection, Seen> seen = Collections.synchronizedMap(new WeakHashMap<>());
        private volatile Sample latest;

        Positions(Writes writes) {
            this.writes = writes;
        }

        /** The position the current call's reads must see. */
        long required() {
            return Math.max(writes.acknowledged(), CallScope.current().readsAtLeast());
        }

        void sampled(Sample sample) {
            latest = sample;
        }

        @Override
        public void admit(Connection connection) throws SQLException {
            long required = required();
            Connection driver = connection.unwrap(Connection.class);
            Seen known = seen.get(driver);
            Sample sample = latest;
            if (known != null && known.replayed() >= 0 && (known.replayed() >= required
                    || sample != null && sample.server().equals(known.server()) && sample.replayed() >= required)) {
                return;
            }
            Seen now = ask(connection);
            CallScope.current().countStatement();
            seen.put(driver, now);
            if (sample != null && sample.server().equals(now.server()) && now.replayed() > sample.replayed()) {
                latest = sample.replayedUpTo(now.replayed()); // a fresher forecast for the reads to come
            }
            if (now.replayed() < required || now.replayed() < 0) {
                throw new Behind(required, now.replayed());
            }
        }

        static Seen ask(Connection connection) throws SQLException {
            try (Statement query = connection.createStatement();
                 ResultSet row = query.executeQuery(Sql.STANDBY_POSITION.jdbcText())) {
                row.next();
                long replayed = row.getLong("replayed");
                if (row.wasNull()) {
                    replayed = -1;
                }
                return new Seen(row.getString("server"), replayed);
            }
        }
    }
}
