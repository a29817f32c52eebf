package com.example.orders.server.db;

import java.util.Map;
import java.util.Set;

import com.example.orders.v1.OrderStatus;

/** The order state machine, and the text each status is stored as. */
final class OrderStatuses {

    private static final Map<OrderStatus, Set<OrderStatus>> NEXT = Map.of(
            OrderStatus.ORDER_STATUS_PENDING, Set.of(OrderStatus.ORDER_STATUS_PAID, OrderStatus.ORDER_STATUS_CANCELLED),
            OrderStatus.ORDER_STATUS_PAID, Set.of(OrderStatus.ORDER_STATUS_SHIPPED, OrderStatus.ORDER_STATUS_CANCELLED),
            OrderStatus.ORDER_STATUS_SHIPPED, Set.of(),
            OrderStatus.ORDER_STATUS_CANCELLED, Set.of());

    private static final String PREFIX = "ORDER_STATUS_";

    private OrderStatuses() {
    }

    static boolean canMove(OrderStatus from, OrderStatus to) {
        return NEXT.get(from).contains(to);
    }

    /** A status as the database stores it: the enum name without its prefix, e.g. PAID. */
    static String toDb(OrderStatus status) {
        return status.name().substring(PREFIX.length());
    }

    /** Read for every order: a switch, not valueOf's string building and map lookup. */
    static OrderStatus fromDb(String status) {
        return switch (status) {
            case "PENDING" -> OrderStatus.ORDER_STATUS_PENDING;
            case "PAID" -> OrderStatus.ORDER_STATUS_PAID;
            case "SHIPPED" -> OrderStatus.ORDER_STATUS_SHIPPED;
            case "CANCELLED" -> OrderStatus.ORDER_STATUS_CANCELLED;
            default -> throw new IllegalArgumentException("unknown order status " + status);
        };
    }

    /**
     * How many steps of the state machine an order in this status has taken, its placing included:
     * PENDING 1, PAID 2, SHIPPED 3. Its events are numbered so (a cancel is one step more).
     */
    static int steps(OrderStatus status) {
        return switch (status) {
            case ORDER_STATUS_PENDING -> 1;
            case ORDER_STATUS_PAID -> 2;
            case ORDER_STATUS_SHIPPED -> 3;
            default -> throw new IllegalArgumentException("no step follows " + status);
        };
    }

    /** The event a move to this status writes, as stored: the status, but CREATED for a new order. */
    static String eventType(OrderStatus status) {
        return status == OrderStatus.ORDER_STATUS_PENDING ? "CREATED" : toDb(status);
    }
}
