package com.example.orders.server.db;

import static com.example.orders.v1.OrderStatus.ORDER_STATUS_CANCELLED;
import static com.example.orders.v1.OrderStatus.ORDER_STATUS_PAID;
import static com.example.orders.v1.OrderStatus.ORDER_STATUS_PENDING;
import static com.example.orders.v1.OrderStatus.ORDER_STATUS_SHIPPED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import com.example.orders.v1.OrderStatus;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The state machine and the stored names, against what the schema allows. */
class OrderStatusesTest {

    /** The statuses an order can have. */
    private static final List<OrderStatus> STATUSES =
            List.of(ORDER_STATUS_PENDING, ORDER_STATUS_PAID, ORDER_STATUS_SHIPPED, ORDER_STATUS_CANCELLED);
    private static final Set<List<OrderStatus>> MOVES = Set.of(
            List.of(ORDER_STATUS_PENDING, ORDER_STATUS_PAID),
            List.of(ORDER_STATUS_PENDING, ORDER_STATUS_CANCELLED),
            List.of(ORDER_STATUS_PAID, ORDER_STATUS_SHIPPED),
            List.of(ORDER_STATUS_PAID, ORDER_STATUS_CANCELLED));

    static Stream<Arguments> everyPair() {
        return STATUSES.stream().flatMap(from -> STATUSES.stream()
                .map(to -> Arguments.of(from, to, MOVES.contains(List.of(from, to)))));
    }

    @ParameterizedTest(name = "{0} -> {1}: {2}")
    @MethodSource("everyPair")
    void onlyPaymentShippingAndCancellingBeforeShippingMoveAnOrder(OrderStatus from, OrderStatus to, boolean allowed) {
        assertEquals(allowed, OrderStatuses.canMove(from, to));
    }

    @Test
    void eachStatusIsStoredAsItsNameWithoutThePrefixAndReadBack() {
        assertEquals(List.of("PENDING", "PAID", "SHIPPED", "CANCELLED"), STATUSES.stream().map(OrderStatuses::toDb).toList());
        for (OrderStatus status : STATUSES) {
            assertSame(status, OrderStatuses.fromDb(OrderStatuses.toDb(status)));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "pending", "ORDER_STATUS_PAID", "UNSPECIFIED", "REFUNDED", " PAID"})
    void anUnknownStoredStatusIsRefusedNamingIt(String stored) {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                                                        () -> OrderStatuses.fromDb(stored));
        assertEquals("unknown order status " + stored, refused.getMessage());
    }

    @Test
    void theStoredNamesAreWhatTheSchemaAllows() throws IOException {
        assertEquals(allowedBy("V1__orders_schema.sql", "status"),
                     STATUSES.stream().map(OrderStatuses::toDb).collect(Collectors.toSet()));
        assertEquals(allowedBy("V2__order_events.sql", "type"),
                     STATUSES.stream().map(OrderStatuses::eventType).collect(Collectors.toSet()));
    }

    @Test
    void stepsCountTheMovesAlongThePathOfAnOrderThatIsNotCancelled() {
        assertEquals(1, OrderStatuses.steps(ORDER_STATUS_PENDING));
        assertEquals(2, OrderStatuses.steps(ORDER_STATUS_PAID));
        assertEquals(3, OrderStatuses.steps(ORDER_STATUS_SHIPPED));
        for (List<OrderStatus> move : MOVES) {
            if (move.get(1) != ORDER_STATUS_CANCELLED) {
                assertEquals(OrderStatuses.steps(move.get(0)) + 1, OrderStatuses.steps(move.get(1)), move.toString());
            }
        }
    }

    @Test
    void noStepFollowsACancelledOrder() {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                                                        () -> OrderStatuses.steps(ORDER_STATUS_CANCELLED));
        assertEquals("no step follows ORDER_STATUS_CANCELLED", refused.getMessage());
    }

    @Test
    void aNewOrderWritesCreatedAndEveryMoveItsStatus() {
        assertEquals("CREATED", OrderStatuses.eventType(ORDER_STATUS_PENDING));
        assertEquals("PAID", OrderStatuses.eventType(ORDER_STATUS_PAID));
        assertEquals("SHIPPED", OrderStatuses.eventType(ORDER_STATUS_SHIPPED));
        assertEquals("CANCELLED", OrderStatuses.eventType(ORDER_STATUS_CANCELLED));
    }

    /** The values of a migration's {@code column text NOT NULL CHECK (column IN (...))}. */
    private static Set<String> allowedBy(String migration, String column) throws IOException {
        String sql;
        try (InputStream in = OrderStatusesTest.class.getResourceAsStream("/db/migration/" + migration)) {
            sql = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Matcher check = Pattern.compile("CHECK \\(" + column + " IN \\(([^)]*)\\)\\)").matcher(sql);
        assertTrue(check.find(), "the CHECK on " + column + " in " + migration);
        return Arrays.stream(check.group(1).split(","))
                .map(value -> value.strip().replace("'", ""))
                .collect(Collectors.toSet());
    }
}
