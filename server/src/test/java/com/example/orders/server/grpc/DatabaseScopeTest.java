package com.example.orders.server.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** The orders-min-lsn header, as a client sends it back. */
class DatabaseScopeTest {

    @Test
    void noHeaderAsksForNothing() {
        assertEquals(0, DatabaseScope.readsAtLeast(null));
    }

    @Test
    void aDecimalPositionIsReadAsIs() {
        assertEquals(0, DatabaseScope.readsAtLeast("0"));
        assertEquals(23_456_789_012L, DatabaseScope.readsAtLeast("23456789012"));
        assertEquals(Long.MAX_VALUE, DatabaseScope.readsAtLeast(Long.toString(Long.MAX_VALUE)));
    }

    @Test
    void positionsBeyondTheLargestSignedOneReadAsTheLargest() {
        assertEquals(Long.MAX_VALUE, DatabaseScope.readsAtLeast("9223372036854775808"));
        assertEquals(Long.MAX_VALUE, DatabaseScope.readsAtLeast("18446744073709551615"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "-1", "+5", " 5", "5 ", "0/16B3748", "1e9", "abc", "18446744073709551616",
                            "123456789012345678901"})
    void anythingElseIsRefusedNamingTheHeader(String header) {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                                                        () -> DatabaseScope.readsAtLeast(header));
        assertTrue(refused.getMessage().startsWith("header orders-min-lsn "), refused.getMessage());
    }
}
