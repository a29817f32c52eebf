package com.example.orders.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import com.example.orders.server.db.Sql;

/**
 * A statement of the service's {@link Sql} for plain JDBC, its parameters bound by name from a map.
 * Arrays of ids and quantities go in as SQL arrays.
 */
record NamedSql(Sql sql) {

    /** The caller closes the statement. */
    PreparedStatement prepare(Connection connection, Map<String, ?> values) throws SQLException {
        PreparedStatement statement = connection.prepareStatement(sql.jdbcText());
        try {
            List<String> parameters = sql.parameterNames();
            for (int i = 0; i < parameters.size(); i++) {
                String name = parameters.get(i);
                if (!values.containsKey(name)) {
                    throw new IllegalArgumentException("no value for :" + name);
                }
                statement.setObject(i + 1, toJdbc(connection, values.get(name)));
            }
            return statement;
        } catch (SQLException | RuntimeException e) {
            statement.close();
            throw e;
        }
    }

    private static Object toJdbc(Connection connection, Object value) throws SQLException {
        return switch (value) {
            case long[] longs -> connection.createArrayOf("bigint", Arrays.stream(longs).boxed().toArray());
            case int[] ints -> connection.createArrayOf("integer", Arrays.stream(ints).boxed().toArray());
            default -> value;
        };
    }
}
