package com.example.orders.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.example.orders.server.db.Sql;

/**
 * A statement of the service's {@link Sql} for plain JDBC: its {@code :name} parameters become
 * {@code ?}, bound by name from a map. Arrays of ids and quantities go in as SQL arrays.
 */
final class NamedSql {

    /** A colon and a name, not the second colon of a {@code ::} cast (Sql uses CAST instead anyway). */
    private static final Pattern PARAMETER = Pattern.compile("(?<!:):([a-z_]+)");

    private final String jdbcText;
    /** The parameter of each {@code ?}, in order; a name used twice appears twice. */
    private final List<String> parameters;

    private NamedSql(String jdbcText, List<String> parameters) {
        this.jdbcText = jdbcText;
        this.parameters = parameters;
    }

    static NamedSql of(Sql sql) {
        List<String> parameters = new ArrayList<>();
        Matcher matcher = PARAMETER.matcher(sql.text());
        StringBuilder jdbcText = new StringBuilder();
        while (matcher.find()) {
            parameters.add(matcher.group(1));
            matcher.appendReplacement(jdbcText, "?");
        }
        matcher.appendTail(jdbcText);
        return new NamedSql(jdbcText.toString(), List.copyOf(parameters));
    }

    /** The caller closes the statement. */
    PreparedStatement prepare(Connection connection, Map<String, ?> values) throws SQLException {
        PreparedStatement statement = connection.prepareStatement(jdbcText);
        try {
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
