package com.example.orders.server.db;

import java.util.Arrays;

import io.helidon.dbclient.DbClientService;
import io.helidon.dbclient.metrics.DbClientMetrics;

/** A timer per named statement of {@link Sql}, published as db.statement.NAME. */
public final class StatementMetrics {

    private StatementMetrics() {
    }

    public static DbClientService timers() {
        return DbClientMetrics.timer()
                .statementNames(Arrays.stream(Sql.values()).map(Sql::name).toArray(String[]::new))
                .nameFormat("db.statement.%2$s")
                .description("Time of each named SQL statement")
                .build();
    }
}
