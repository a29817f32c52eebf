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

    static OrderStatus fromDb(String status) {
        return OrderStatus.valueOf(PREFIX + status);
    }
}
