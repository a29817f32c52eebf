package com.example.orders.server.grpc;

import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

import com.example.orders.server.error.InvalidArgumentException;
import com.example.orders.v1.OrderLineRequest;
import com.example.orders.v1.OrderStatus;
import com.google.protobuf.Timestamp;

/**
 * Checks of request fields, each failing with INVALID_ARGUMENT that names the field. Everything is
 * checked before the first statement runs, so bad input never reaches the database.
 */
final class RequestChecks {

    static final int MAX_QUANTITY = 1_000_000;
    /** 100 million currency units. */
    static final long MAX_PRICE_CENTS = 10_000_000_000L;
    static final int MAX_IDS = 100;
    static final int DEFAULT_PAGE_SIZE = 20;

    private static final int MAX_NAME_LENGTH = 200;
    private static final int MAX_EMAIL_LENGTH = 254;
    private static final int MAX_SKU_LENGTH = 64;
    private static final int MAX_REQUEST_ID_LENGTH = 100;
    /** 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z, the bounds of google.protobuf.Timestamp. */
    private static final long MIN_TIMESTAMP_SECONDS = -62_135_596_800L;
    private static final long MAX_TIMESTAMP_SECONDS = 253_402_300_799L;

    private RequestChecks() {
    }

    static long id(String field, long value) {
        if (value <= 0) {
            throw invalid(field + " must be a positive id, got " + value);
        }
        return value;
    }

    /** A customer filter: 0 stands for every customer. */
    static long customerFilter(long value) {
        if (value < 0) {
            throw invalid("customer_id must be a positive id, or 0 for every customer, got " + value);
        }
        return value;
    }

    /** An event id to resume after: 0 replays every stored event. */
    static long afterEventId(long value) {
        if (value < 0) {
            throw invalid("after_event_id must be an event_id, or 0 for every stored event, got " + value);
        }
        return value;
    }

    /**
     * A point in time, in the range protobuf allows (years 1 to 9999, which PostgreSQL holds);
     * the future is fine.
     */
    static Instant timestamp(String field, Timestamp value) {
        if (value.getSeconds() < MIN_TIMESTAMP_SECONDS || value.getSeconds() > MAX_TIMESTAMP_SECONDS
                || value.getNanos() < 0 || value.getNanos() > 999_999_999) {
            throw invalid(field + " must be a time between 0001-01-01 and 9999-12-31 with nanos in 0..999999999, got "
                    + "seconds " + value.getSeconds() + " and nanos " + value.getNanos());
        }
        return Instant.ofEpochSecond(value.getSeconds(), value.getNanos());
    }

    /** A display name: surrounding whitespace is dropped, something must remain. */
    static String name(String field, String value) {
        String name = value.strip();
        requireLength(field, name, MAX_NAME_LENGTH);
        requireNoControlCharacters(field, name);
        return name;
    }

    static String email(String value) {
        String email = value.strip();
        requireLength("email", email, MAX_EMAIL_LENGTH);
        int at = email.indexOf('@');
        if (at <= 0 || at != email.lastIndexOf('@') || at == email.length() - 1 || !isToken(email)) {
            throw invalid("email must look like name@domain without spaces, got \"" + email + "\"");
        }
        return email;
    }

    static String sku(String value) {
        requireLength("sku", value, MAX_SKU_LENGTH);
        if (!isToken(value)) {
            throw invalid("sku must not contain spaces or control characters");
        }
        return value;
    }

    static String requestId(String value) {
        requireLength("request_id", value, MAX_REQUEST_ID_LENGTH);
        if (!isToken(value)) {
            throw invalid("request_id must not contain spaces or control characters");
        }
        return value;
    }

    static long priceCents(long value) {
        if (value < 0 || value > MAX_PRICE_CENTS) {
            throw invalid("price_cents must be between 0 and " + MAX_PRICE_CENTS + ", got " + value);
        }
        return value;
    }

    static int stock(int value) {
        if (value < 0) {
            throw invalid("stock must not be negative, got " + value);
        }
        return value;
    }

    static List<OrderLineRequest> lines(List<OrderLineRequest> lines, int maxLines) {
        if (lines.isEmpty()) {
            throw invalid("lines must not be empty");
        }
        if (lines.size() > maxLines) {
            throw invalid("lines must hold at most " + maxLines + " lines, got " + lines.size());
        }
        Map<Long, Integer> firstLineOfProduct = new HashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            OrderLineRequest line = lines.get(i);
            id("lines[" + i + "].product_id", line.getProductId());
            if (line.getQuantity() < 1 || line.getQuantity() > MAX_QUANTITY) {
                throw invalid("lines[" + i + "].quantity must be between 1 and " + MAX_QUANTITY
                        + ", got " + line.getQuantity());
            }
            Integer first = firstLineOfProduct.putIfAbsent(line.getProductId(), i);
            if (first != null) {
                throw invalid("lines[" + i + "].product_id " + line.getProductId() + " repeats lines[" + first
                        + "]; put the whole quantity on one line");
            }
        }
        return lines;
    }

    /** The distinct ids, in the order of their first occurrence. */
    static List<Long> ids(List<Long> ids) {
        if (ids.isEmpty()) {
            throw invalid("ids must not be empty");
        }
        if (ids.size() > MAX_IDS) {
            throw invalid("ids must hold at most " + MAX_IDS + " ids, got " + ids.size());
        }
        for (int i = 0; i < ids.size(); i++) {
            id("ids[" + i + "]", ids.get(i));
        }
        return List.copyOf(new LinkedHashSet<>(ids));
    }

    static int pageSize(int value, int maxPageSize) {
        if (value < 0 || value > maxPageSize) {
            throw invalid("page_size must be between 1 and " + maxPageSize + " (0 for the default of "
                    + Math.min(DEFAULT_PAGE_SIZE, maxPageSize) + "), got " + value);
        }
        return value == 0 ? Math.min(DEFAULT_PAGE_SIZE, maxPageSize) : value;
    }

    /** A status filter: UNSPECIFIED stands for any status. */
    static OrderStatus statusFilter(OrderStatus status) {
        if (status == OrderStatus.UNRECOGNIZED) {
            throw invalid("status is not a known OrderStatus value");
        }
        return status;
    }

    /** A status to move an order to. */
    static OrderStatus targetStatus(OrderStatus status) {
        if (status == OrderStatus.ORDER_STATUS_UNSPECIFIED || status == OrderStatus.UNRECOGNIZED) {
            throw invalid("status must be one of ORDER_STATUS_PAID, ORDER_STATUS_SHIPPED, ORDER_STATUS_CANCELLED");
        }
        return status;
    }

    private static void requireLength(String field, String value, int maxLength) {
        if (value.isEmpty()) {
            throw invalid(field + " is required");
        }
        if (value.length() > maxLength) {
            throw invalid(field + " must be at most " + maxLength + " characters, got " + value.length());
        }
    }

    private static void requireNoControlCharacters(String field, String value) {
        if (value.chars().anyMatch(Character::isISOControl)) {
            throw invalid(field + " must not contain control characters");
        }
    }

    /** No whitespace, no control characters. */
    private static boolean isToken(String value) {
        return value.chars().noneMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c));
    }

    private static InvalidArgumentException invalid(String message) {
        return new InvalidArgumentException(message);
    }
}
