package com.example.orders.server.db;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import com.zaxxer.hikari.pool.HikariPool;
import com.zaxxer.hikari.util.DriverDataSource;
import io.helidon.dbclient.DbClientException;
import io.helidon.dbclient.jdbc.CloseableJdbcConnectionPool;

/**
 * The HikariCP pool behind the DbClient. A connection taken for a call stops the statement it is
 * running when the call is cancelled ({@link CallScope}: the client cancelled, or its deadline passed):
 * PostgreSQL cancels the statement, the transaction rolls back, and the connection goes back to the
 * pool clean. DbClient has no statement timeout or cancellation of its own, hence the pool is built
 * here rather than by its Hikari provider.
 */
public final class ConnectionPool implements CloseableJdbcConnectionPool {

    private static final System.Logger LOG = System.getLogger(ConnectionPool.class.getName());
    /** A cancel opens a connection to PostgreSQL: not on the thread that reports it (Helidon's connection reader). */
    private static final Executor CANCELLER = cancel -> Thread.ofVirtual().name("statement-cancel").start(cancel);
    /** What PostgreSQL says of a cancelled statement (query_canceled). */
    private static final String QUERY_CANCELED = "57014";
    /** What PostgreSQL says of a write where none is allowed (read_only_sql_transaction). */
    private static final String READ_ONLY = "25006";
    /** The driver's URL parameter naming the kind of server to connect to; the URL's own wins over a property. */
    private static final Pattern TARGET_SERVER_TYPE = Pattern.compile("(?i)([?&]targetServerType=)[^&]*");
    /** How long a call waits for a pooled connection before it looks whether the circuit has opened meanwhile. */
    private static final long WAIT_SLICE_MILLIS = 100;

    private final HikariDataSource dataSource;
    /** The pool inside dataSource: it takes a timeout for each wait for a connection. */
    private final HikariPool pool;
    /** Connections made as the pool makes them, but outside it: for the health check. */
    private final DriverDataSource unpooled;
    /** The same, to any server of the URL, primary or not. */
    private final DriverDataSource anyServer;
    private final DatabaseCircuit circuit;
    private final ConnectionCheck check;

    private ConnectionPool(HikariDataSource dataSource, DriverDataSource unpooled, DriverDataSource anyServer,
                           DatabaseCircuit circuit, ConnectionCheck check) {
        this.dataSource = dataSource;
        this.pool = (HikariPool) dataSource.getHikariPoolMXBean();
        this.unpooled = unpooled;
        this.anyServer = anyServer;
        this.circuit = circuit;
        this.check = check;
    }

    /** {@code settings} are HikariCP properties (poolName, maximumPoolSize, dataSource.*, ...). */
    public static ConnectionPool create(String url, String user, String password, Properties settings,
                                        DatabaseCircuit circuit) {
        return create(url, user, password, settings, circuit, connection -> { });
    }

    /** The same, each connection passing {@code check} before a statement gets it. */
    static ConnectionPool create(String url, String user, String password, Properties settings,
                                 DatabaseCircuit circuit, ConnectionCheck check) {
        HikariConfig config = new HikariConfig(settings);
        config.setJdbcUrl(url);
        config.setUsername(user);
        config.setPassword(password);
        DriverDataSource unpooled = new DriverDataSource(url, config.getDriverClassName(), config.getDataSourceProperties(),
                                                         user, password);
        DriverDataSource anyServer = new DriverDataSource(anyServer(url), config.getDriverClassName(),
                                                          config.getDataSourceProperties(), user, password);
        HikariDataSource dataSource = new HikariDataSource(config);
        circuit.whenOpened(dataSource.getHikariPoolMXBean()::softEvictConnections);
        return new ConnectionPool(dataSource, unpooled, anyServer, circuit, check);
    }

    /** The URL with targetServerType=any in place of the server type it asks for (a primary, say). */
    static String anyServer(String url) {
        return TARGET_SERVER_TYPE.matcher(url).replaceAll("$1any");
    }

    /**
     * Whether the database answers a query, and takes writes if {@code writable}, on a new connection
     * made as the pool makes them but outside it: the pool's own attempts back off for up to 5 s while
     * the database is down, and would hide its return for that long. A standby, or a primary being
     * demoted, answers but takes no writes: the service cannot work on it as its primary.
     */
    public void probe(Duration timeout, boolean writable) throws SQLException {
        int seconds = (int) Math.max(1, timeout.toSeconds());
        unpooled.setLoginTimeout(seconds);
        try (Connection connection = unpooled.getConnection();
             Statement query = connection.createStatement()) {
            query.setQueryTimeout(seconds);
            try (ResultSet readOnly = query.executeQuery("SHOW transaction_read_only")) {
                readOnly.next();
                if (writable && !"off".equals(readOnly.getString(1))) {
                    throw new SQLException("the database takes no writes (transaction_read_only is on)", READ_ONLY);
                }
            }
        }
    }

    /** A connection of its own, outside the pool, made as the pool makes them: for a long LISTEN. */
    public Connection openUnpooled() throws SQLException {
        return unpooled.getConnection();
    }

    @Override
    public Connection connection() {
        CallScope call = CallScope.current();
        if (call.isCancelled()) {
            throw new DbClientException("No connection for a cancelled call", callCancelled());
        }
        if (circuit.isOpen() && !primaryBack(call)) {
            throw new DbClientException("No connection tried", new SQLTransientConnectionException(
                    circuit.outage() == DatabaseCircuit.Outage.FAILING_OVER
                            ? "no primary: a failover is under way, and it would outlast this call or has lasted "
                              + "longer than db.failover-wait"
                            : "the database is unreachable; calls fail at once until a probe gets a connection"));
        }
        Connection connection;
        try {
            connection = borrow();
        } catch (SQLException e) {
            // Hikari gives the reason it could not make a connection as the cause; none means the
            // pool was busy for connectionTimeout, which says nothing of the database.
            if (e.getCause() != null) {
                circuit.unreachable();
            }
            throw new DbClientException("No database connection available", e);
        }
        try {
            check.admit(connection);
        } catch (SQLException refused) {
            try {
                connection.close();
            } catch (SQLException closeFailure) {
                refused.addSuppressed(closeFailure);
            }
            throw new DbClientException("Connection refused for this call: " + refused.getMessage(), refused);
        }
        return CancelWithCall.wrap(connection, call.cancellation(), circuit);
    }

    /** Waits, as the circuit allows, for the database to be back; true if it is. */
    private boolean primaryBack(CallScope call) {
        try {
            return circuit.awaitClosed(call.cancellation().nanosLeft(), call::isCancelled);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * Whether any server of the URL answers, whether it takes writes or not, on a connection made as the
     * pool makes them but outside it: with none, the database is down; with one that takes no writes
     * while no primary answers, a standby is about to be promoted.
     */
    public boolean anyServerAnswers(Duration timeout) {
        try (Connection connection = connectAnyServer(timeout)) {
            return connection.isValid((int) Math.max(1, timeout.toSeconds()));
        } catch (SQLException e) {
            return false;
        }
    }

    private Connection connectAnyServer(Duration timeout) throws SQLException {
        anyServer.setLoginTimeout((int) Math.max(1, timeout.toSeconds()));
        return anyServer.getConnection();
    }

    /**
     * A connection from the pool, waited for up to connectionTimeout, but no longer once the circuit
     * opens: when the database goes away, the connections of the pool break and none can be made, and
     * the calls queued for one (there are more calls than connections under load) would otherwise
     * wait it out.
     */
    private Connection borrow() throws SQLException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(dataSource.getConnectionTimeout());
        while (true) {
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            try {
                return pool.getConnection(Math.max(1, Math.min(WAIT_SLICE_MILLIS, left)));
            } catch (SQLTransientConnectionException timedOut) {
                if (circuit.isOpen() || left <= WAIT_SLICE_MILLIS) {
                    throw timedOut;
                }
            }
        }
    }

    public HikariPoolMXBean usage() {
        return dataSource.getHikariPoolMXBean();
    }

    @Override
    public String dbType() {
        return "jdbc:postgresql";
    }

    @Override
    public void close() {
        dataSource.close();
    }

    private static SQLException callCancelled() {
        return new SQLException("the call was cancelled or its deadline passed", QUERY_CANCELED);
    }

    /** Run on a pooled connection before a statement gets it: throws to refuse it for this call. */
    @FunctionalInterface
    interface ConnectionCheck {
        void admit(Connection connection) throws SQLException;
    }

    /**
     * A connection that cancels its running statement when the call is cancelled, from the moment it
     * is taken from the pool until it is given back. DbClient runs one statement at a time on a
     * connection: the one prepared last is the one that may be running. Given back broken, it opens
     * the circuit.
     */
    private static final class CancelWithCall implements InvocationHandler {

        private final Connection connection;
        private final CallScope.Cancellation call;
        private final DatabaseCircuit circuit;
        private volatile Statement last;
        /** Takes the cancel listener back. */
        private Runnable stopListening;
        /** Closed by the call's thread, which is the only one to use it. */
        private boolean givenBack;

        private CancelWithCall(Connection connection, CallScope.Cancellation call, DatabaseCircuit circuit) {
            this.connection = connection;
            this.call = call;
            this.circuit = circuit;
        }

        static Connection wrap(Connection connection, CallScope.Cancellation call, DatabaseCircuit circuit) {
            CancelWithCall handler = new CancelWithCall(connection, call, circuit);
            handler.stopListening = call.onCancel(handler::cancelled, CANCELLER);
            return (Connection) Proxy.newProxyInstance(ConnectionPool.class.getClassLoader(),
                                                       new Class<?>[] {Connection.class}, handler);
        }

        @Override
        public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
            if (method.getName().equals("close") && !givenBack) {
                givenBack = true; // DbClient may close it again, which Hikari ignores
                stopListening.run();
                last = null;
                // Hikari closes a connection that failed with a connection error (the server gone,
                // the session ended) at once: the database may be gone with it, and the other
                // connections too, which the calls to come would otherwise try one by one.
                if (connection.isClosed()) {
                    circuit.unreachable();
                }
            }
            Object result;
            try {
                result = method.invoke(connection, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
            if (result instanceof Statement statement) {
                if (call.isCancelled()) {
                    statement.close();
                    throw callCancelled();
                }
                last = statement;
            }
            return result;
        }

        /** The driver cancels the statement only while it runs: one that has finished is left alone. */
        private void cancelled() {
            Statement statement = last;
            if (statement != null) {
                try {
                    statement.cancel();
                } catch (SQLException e) {
                    LOG.log(System.Logger.Level.DEBUG, "Could not cancel a statement", e);
                }
            }
        }
    }
}
