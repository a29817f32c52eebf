package com.example.orders.server.db;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import io.grpc.Deadline;
import io.helidon.dbclient.DbClientException;
import io.helidon.dbclient.jdbc.CloseableJdbcConnectionPool;
import org.postgresql.jdbc.PgStatement;

/**
 * The HikariCP pool behind the DbClient. Its connections stop every statement at the deadline of
 * the gRPC call they serve: PostgreSQL cancels a statement that outlives the call, and a transaction
 * that hits it rolls back, so the connection goes back to the pool clean. DbClient 4.1.7 has no
 * statement timeout of its own, hence the pool is built here rather than by its Hikari provider.
 */
public final class ConnectionPool implements CloseableJdbcConnectionPool {

    private final HikariDataSource dataSource;

    private ConnectionPool(HikariDataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** {@code settings} are HikariCP properties (poolName, maximumPoolSize, dataSource.*, ...). */
    public static ConnectionPool create(String url, String user, String password, Properties settings) {
        HikariConfig config = new HikariConfig(settings);
        config.setJdbcUrl(url);
        config.setUsername(user);
        config.setPassword(password);
        return new ConnectionPool(new HikariDataSource(config));
    }

    @Override
    public Connection connection() {
        Deadline deadline = CallContext.DEADLINE.get();
        Connection connection;
        try {
            connection = dataSource.getConnection();
        } catch (SQLException e) {
            throw new DbClientException("No database connection available", e);
        }
        return deadline == null ? connection : withDeadline(connection, deadline);
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

    private static Connection withDeadline(Connection connection, Deadline deadline) {
        InvocationHandler handler = (proxy, method, args) -> {
            if (method.getName().equals("prepareStatement")) {
                long remainingMillis = deadline.timeRemaining(TimeUnit.MILLISECONDS);
                if (remainingMillis <= 0) {
                    throw new SQLTimeoutException("the call's deadline passed before the statement ran");
                }
                PreparedStatement statement = (PreparedStatement) invoke(method, connection, args);
                statement.unwrap(PgStatement.class).setQueryTimeoutMs(remainingMillis);
                return statement;
            }
            return invoke(method, connection, args);
        };
        return (Connection) Proxy.newProxyInstance(ConnectionPool.class.getClassLoader(),
                                                   new Class<?>[] {Connection.class}, handler);
    }

    private static Object invoke(java.lang.reflect.Method method, Connection target, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
