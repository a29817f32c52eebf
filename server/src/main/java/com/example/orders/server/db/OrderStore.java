package com.example.orders.server.db;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import com.example.orders.server.error.AlreadyExistsException;
import com.example.orders.server.error.FailedPreconditionException;
import com.example.orders.server.error.InvalidArgumentException;
import com.example.orders.server.error.NotFoundException;
import com.example.orders.v1.Order;
import com.example.orders.v1.OrderLineRequest;
import com.example.orders.v1.OrderStatus;

import io.helidon.dbclient.DbExecute;
import io.helidon.dbclient.DbRow;
import io.helidon.dbclient.DbTransaction;

/**
 * Orders: placing them, moving them through their states, and reading them with their lines.
 * Each public method is one unit of work; writes run in one transaction from start to end.
 */
public final class OrderStore {

    /** Writes, each in a transaction on the primary. */
    private final Writes writes;
    /** The reads outside a write: on a standby when one is configured. */
    private final Reads reads;
    /** Run once a change and its event have committed: the event sequencer waits for it. */
    private final Runnable eventsWritten;
    private final LongAdder ordersExported = new LongAdder();

    public OrderStore(Writes writes, Reads reads, Runnable eventsWritten) {
        this.writes = writes;
        this.reads = reads;
        this.eventsWritten = eventsWritten;
    }

    /**
     * Places an order and writes its CREATED event, or returns the order already placed with this
     * request id if it has the same lines (a retry), writing nothing. Refuses a request id already
     * used for other lines, writing nothing: a client that reuses keys by mistake would otherwise lose
     * its second order without a word. Lines must name distinct products. Four statements whatever
     * the number of lines.
     */
    public Order create(long customerId, String requestId, List<OrderLineRequest> lines) {
        Order placed = writes.inTransaction(tx -> {
            List<DbRow> inserted = Sql.INSERT_ORDER.rows(tx, Map.of("customer_id", customerId, "request_id", requestId));
            if (inserted.isEmpty()) {
                return existingOrder(tx, customerId, requestId, lines);
            }
            long orderId = inserted.getFirst().column("id").get(Long.class);

            long[] productIds = lines.stream().mapToLong(OrderLineRequest::getProductId).toArray();
            int[] quantities = lines.stream().mapToInt(OrderLineRequest::getQuantity).toArray();
            long total = checkStockAndPrice(lockProducts(tx, productIds), lines);

            Order order = order(tx, Sql.FILL_ORDER, Map.of(
                    "order_id", orderId,
                    "product_ids", productIds,
                    "quantities", quantities,
                    "total_cents", total))
                    .orElseThrow(); // the order was inserted above, in this transaction
            EventStore.record(tx, order, 1);
            return order;
        });
        eventsWritten.run(); // a retry wrote none: it costs the sequencer a run that finds nothing
        return placed;
    }

    public Order get(long orderId) {
        return reads.execute(exec -> readOrder(exec, orderId));
    }

    /** The orders that exist among {@code orderIds}, in the order of the ids given. */
    public List<Order> getAll(List<Long> orderIds) {
        long[] ids = orderIds.stream().mapToLong(Long::longValue).toArray();
        Map<Long, Order> byId = reads.execute(exec -> decoded(exec, Sql.GET_ORDERS, Map.of("order_ids", ids), OrderRows::toOrders))
                .orElseThrow() // always a row
                .stream()
                .collect(Collectors.toMap(Order::getId, order -> order));
        return orderIds.stream().filter(byId::containsKey).map(byId::get).toList();
    }

    /**
     * A customer's orders with an id below {@code beforeId}, newest first; {@code status}
     * ORDER_STATUS_UNSPECIFIED matches every status.
     */
    public Page<Order> list(long customerId, OrderStatus status, long beforeId, int pageSize) {
        List<Order> orders = reads.execute(exec -> decoded(exec, Sql.LIST_ORDERS, Map.of(
                "customer_id", customerId,
                "status", statusFilter(status),
                "after_id", beforeId,
                "limit", pageSize + 1), OrderRows::toOrders))
                .orElseThrow(() -> new NotFoundException("customer " + customerId + " not found"));
        return Page.of(orders, pageSize);
    }

    /**
     * Hands every order matching the filters to {@code consumer}, in ascending id order, and returns
     * their number. {@code customerId} 0 matches every customer, ORDER_STATUS_UNSPECIFIED every
     * status, a null {@code createdAfter} any time.
     *
     * <p>One query, read through a cursor while {@code consumer} takes the orders: memory holds one
     * fetch of rows and one order whatever the number of orders, and when {@code consumer} blocks
     * (a slow client) the reading waits. Stops early, closing the cursor, when {@code consumer}
     * returns false. The connection is held until the end and given back whatever happens.
     */
    public long export(long customerId, OrderStatus status, Instant createdAfter, Predicate<Order> consumer) {
        Map<String, Object> params = new HashMap<>(); // not Map.of: created_after may be null
        params.put("customer_id", customerId);
        params.put("status", statusFilter(status));
        params.put("created_after", createdAfter == null ? null : OffsetDateTime.ofInstant(createdAfter, ZoneOffset.UTC));
        // The PostgreSQL driver reads through a cursor (dataSource.defaultRowFetchSize rows at a time,
        // see application.yaml) only with autocommit off. db.execute() turns autocommit on and would
        // load the whole result first, so the export runs in a transaction although it only reads.
        AtomicBoolean sent = new AtomicBoolean();
        return reads.inTransaction(tx -> {
            long exported = 0;
            try (Stream<DbRow> rows = Sql.EXPORT_ORDERS.stream(tx, params)) {
                for (Iterator<DbRow> it = rows.iterator(); it.hasNext(); ) {
                    exported++;
                    ordersExported.increment();
                    sent.set(true);
                    if (!consumer.test(OrderRows.toOrder(it.next()))) {
                        break;
                    }
                }
            }
            // Only an empty export pays for telling an unknown customer from one without orders.
            if (exported == 0 && customerId != 0 && Sql.CUSTOMER_EXISTS.rows(tx, Map.of("id", customerId)).isEmpty()) {
                throw new NotFoundException("customer " + customerId + " not found");
            }
            return exported;
        }, () -> !sent.get());
    }

    /** Orders read by exports since start, across all calls: shows how far exports run ahead of clients. */
    public long ordersExported() {
        return ordersExported.sum();
    }

    /**
     * Moves an order to {@code target} if the state machine allows it, and writes its event;
     * cancelling puts the stock back. The order row stays locked until the end, so concurrent changes
     * apply one by one, and the order's events are numbered in the order they happened.
     */
    public Order changeStatus(long orderId, OrderStatus target) {
        Order changed = writes.inTransaction(tx -> {
            List<DbRow> locked = Sql.LOCK_ORDER.rows(tx, Map.of("order_id", orderId));
            if (locked.isEmpty()) {
                throw new NotFoundException("order " + orderId + " not found");
            }
            OrderStatus current = OrderStatuses.fromDb(locked.getFirst().column("status").get(String.class));
            if (!OrderStatuses.canMove(current, target)) {
                throw new FailedPreconditionException("order " + orderId + " is " + OrderStatuses.toDb(current)
                        + " and cannot become " + OrderStatuses.toDb(target));
            }
            if (target == OrderStatus.ORDER_STATUS_CANCELLED) {
                Sql.LOCK_ORDER_PRODUCTS.rows(tx, Map.of("order_id", orderId));
                Sql.RESTOCK_ORDER.update(tx, Map.of("order_id", orderId));
            }
            Sql.SET_ORDER_STATUS.update(tx, Map.of("order_id", orderId, "status", OrderStatuses.toDb(target)));
            Order order = readOrder(tx, orderId);
            EventStore.record(tx, order, OrderStatuses.steps(current) + 1);
            return order;
        });
        eventsWritten.run();
        return changed;
    }

    /** The status as a filter parameter: '' matches every status. */
    private static String statusFilter(OrderStatus status) {
        return status == OrderStatus.ORDER_STATUS_UNSPECIFIED ? "" : OrderStatuses.toDb(status);
    }

    private static Order existingOrder(DbTransaction tx, long customerId, String requestId, List<OrderLineRequest> lines) {
        List<DbRow> rows = Sql.FIND_ORDER_BY_REQUEST.rows(tx, Map.of("customer_id", customerId, "request_id", requestId));
        if (rows.isEmpty()) {
            throw new NotFoundException("customer " + customerId + " not found");
        }
        Order existing = readOrder(tx, rows.getFirst().column("order_id").get(Long.class));
        List<Line> asPlaced = existing.getLinesList().stream().map(line -> new Line(line.getProductId(), line.getQuantity())).toList();
        List<Line> asAsked = lines.stream().map(line -> new Line(line.getProductId(), line.getQuantity())).toList();
        if (!asPlaced.equals(asAsked)) {
            throw new AlreadyExistsException("request_id " + requestId + " was already used for order " + existing.getId()
                    + " with other lines; a retry must repeat the request as it was, a new order needs a new request_id");
        }
        return existing;
    }

    /** What makes two orders' lines the same, in line order. */
    private record Line(long productId, int quantity) {
    }

    private static Map<Long, DbRow> lockProducts(DbTransaction tx, long[] productIds) {
        Map<Long, DbRow> byId = new HashMap<>();
        for (DbRow row : Sql.LOCK_PRODUCTS.rows(tx, Map.of("product_ids", productIds))) {
            byId.put(row.column("id").get(Long.class), row);
        }
        return byId;
    }

    /**
     * Fails unless every product exists and has the stock asked for; returns the order total.
     */
    private static long checkStockAndPrice(Map<Long, DbRow> products, List<OrderLineRequest> lines) {
        List<String> missing = lines.stream()
                .map(OrderLineRequest::getProductId)
                .filter(id -> !products.containsKey(id))
                .map(String::valueOf)
                .toList();
        if (!missing.isEmpty()) {
            throw new NotFoundException((missing.size() == 1 ? "product " : "products ")
                    + String.join(", ", missing) + " not found");
        }
        long total = 0;
        for (OrderLineRequest line : lines) {
            DbRow product = products.get(line.getProductId());
            int stock = product.column("stock").get(Integer.class);
            if (stock < line.getQuantity()) {
                throw new FailedPreconditionException("insufficient stock for product " + line.getProductId()
                        + " (sku " + product.column("sku").get(String.class) + "): requested "
                        + line.getQuantity() + ", available " + stock);
            }
            long price = product.column("price_cents").get(Long.class);
            try {
                total = Math.addExact(total, Math.multiplyExact(price, line.getQuantity()));
            } catch (ArithmeticException e) {
                throw new InvalidArgumentException("the order total exceeds the largest amount the service can hold");
            }
        }
        return total;
    }

    private static Order readOrder(DbExecute exec, long orderId) {
        return order(exec, Sql.GET_ORDER, Map.of("order_id", orderId))
                .orElseThrow(() -> new NotFoundException("order " + orderId + " not found"));
    }

    /** The order a statement returns, built while its result set is open. */
    private static Optional<Order> order(DbExecute exec, Sql sql, Map<String, ?> params) {
        return decoded(exec, sql, params, OrderRows::toOrder);
    }

    /** The first row a statement returns, decoded while its result set is open: its arrays need it. */
    private static <T> Optional<T> decoded(DbExecute exec, Sql sql, Map<String, ?> params, Function<DbRow, T> decoder) {
        try (Stream<DbRow> rows = sql.stream(exec, params)) {
            return rows.findFirst().map(decoder);
        }
    }
}
