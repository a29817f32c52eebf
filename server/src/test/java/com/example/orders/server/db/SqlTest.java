package com.example.orders.server.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The positional form of the statements, which DbClient runs. */
class SqlTest {

    @ParameterizedTest
    @EnumSource(Sql.class)
    void everyNamedParameterBecomesOnePositionalOne(Sql sql) {
        assertFalse(sql.jdbcText().matches("(?s).*:[a-z_].*"), sql.jdbcText());
        assertEquals(sql.jdbcText().chars().filter(c -> c == '?').count(), sql.parameterNames().size(), sql.name());
    }

    @Test
    void aNameUsedTwiceIsBoundAtBothPlaces() {
        assertEquals(List.of("customer_id", "customer_id", "status", "status", "created_after", "created_after"),
                     Sql.EXPORT_ORDERS.parameterNames());
    }
}
