package com.example.orders.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import com.example.orders.server.db.Sql;
import com.example.orders.v1.CreateOrderRequest;
import com.example.orders.v1.GetOrderRequest;
import com.example.orders.v1.ListOrdersRequest;
import com.example.orders.v1.ListOrdersResponse;
import com.example.orders.v1.Order;
import com.example.orders.v1.OrderLineRequest;
import com.example.orders.v1.OrderServiceGrpc;
import com.example.orders.v1.OrderStatus;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;

/**
 * GetOrder, CreateOrder and ListOrders written the plain way: a connection from the pool per call,
 * the service's statements through JDBC, an explicit transaction for the write, messages built from
 * result sets. Checks are only those the statements need; the other RPCs are left unimplemented.
 */
final class BaselineOrderService extends OrderServiceGrpc.OrderServiceImplBase {

    private static final NamedSql GET_ORDER = new NamedSql(Sql.GET_ORDER);
    private static final NamedSql LIST_ORDERS = new NamedSql(Sql.LIST_ORDERS);
    private static final NamedSql INSERT_ORDER = new NamedSql(Sql.INSERT_ORDER);
    private static final NamedSql FIND_ORDER_BY_REQUEST = new NamedSql(Sql.FIND_ORDER_BY_REQUEST);
    private static final NamedSql LOCK_PRODUCTS = new NamedSql(Sql.LOCK_PRODUCTS);
    private static final NamedSql FILL_ORDER = new NamedSql(Sql.FILL_ORDER);
    private static final NamedSql INSERT_ORDER_EVENT = new NamedSql(Sql.INSERT_ORDER_EVENT);
    private static final int DEFAULT_PAGE_SIZE = 20;

    private final DataSource pool;

    private record LockedProduct(int stock, long priceCents) {
    }

    BaselineOrderService(DataSource pool) {
        this.pool = pool;
    }

    @Override
    public void getOrder(GetOrderRequest request, StreamObserver<Order> responses) {
        try (Connection connection = pool.getConnection()) {
            reply(responses, readOrder(connection, request.getOrderId()));
        } catch (SQLException | StatusRuntimeException e) {
            fail(responses, e);
        }
    }

    @Override
    public void listOrders(ListOrdersRequest request, StreamObserver<ListOrdersResponse> responses) {
        int pageSize = request.getPageSize() == 0 ? DEFAULT_PAGE_SIZE : request.getPageSize();
        long beforeId = request.getPageToken().isEmpty() ? Long.MAX_VALUE : Long.parseLong(request.getPageToken());
        String status = request.getStatus() == OrderStatus.ORDER_STATUS_UNSPECIFIED
                ? "" : request.getStatus().name().substring("ORDER_STATUS_".length());
        try (Connection connection = pool.getConnection();
             PreparedStatement statement = LIST_ORDERS.prepare(connection, Map.of(
                     "customer_id", request.getCustomerId(),
                     "status", status,
                     "after_id", beforeId,
                     "limit", pageSize + 1));
             ResultSet rows = statement.executeQuery()) {
            if (!rows.next()) {
                throw Status.NOT_FOUND.withDescription("customer " + request.getCustomerId() + " not found")
                        .asRuntimeException();
            }
            List<Order> orders = OrderResults.fromPage(rows);
            ListOrdersResponse.Builder response = ListOrdersResponse.newBuilder()
                    .addAllOrders(orders.subList(0, Math.min(pageSize, orders.size())));
            if (orders.size() > pageSize) {
                response.setNextPageToken(String.valueOf(orders.get(pageSize - 1).getId()));
            }
            reply(responses, response.build());
        } catch (SQLException | StatusRuntimeException e) {
            fail(responses, e);
        }
    }

    @Override
    public void createOrder(CreateOrderRequest request, StreamObserver<Order> responses) {
        if (request.getLinesCount() == 0) {
            fail(responses, Status.INVALID_ARGUMENT.withDescription("an order needs lines").asRuntimeException());
            return;
        }
        try (Connection connection = pool.getConnection()) {
            connection.setAutoCommit(false);
            try {
                Order order = placeOrder(connection, request);
                connection.commit();
                reply(responses, order);
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        } catch (SQLException | StatusRuntimeException e) {
            fail(responses, e);
        }
    }

    /**
     * OrderStore.create's steps: claim the request id, lock the products, fill the order and read it
     * back, write its event.
     */
    private static Order placeOrder(Connection connection, CreateOrderRequest request) throws SQLException {
        Long orderId = firstLong(connection, INSERT_ORDER, Map.of(
                "customer_id", request.getCustomerId(), "request_id", request.getRequestId()), "id");
        if (orderId == null) {
            return existingOrder(connection, request);
        }
        long[] productIds = request.getLinesList().stream().mapToLong(OrderLineRequest::getProductId).toArray();
        int[] quantities = request.getLinesList().stream().mapToInt(OrderLineRequest::getQuantity).toArray();
        Map<Long, LockedProduct> locked = new HashMap<>();
        try (PreparedStatement statement = LOCK_PRODUCTS.prepare(connection, Map.of("product_ids", productIds));
             ResultSet rows = statement.executeQuery()) {
            while (rows.next()) {
                locked.put(rows.getLong("id"), new LockedProduct(rows.getInt("stock"), rows.getLong("price_cents")));
            }
        }
        long total = 0;
        for (OrderLineRequest line : request.getLinesList()) {
            LockedProduct product = locked.get(line.getProductId());
            if (product == null) {
                throw Status.NOT_FOUND.withDescription("product " + line.getProductId() + " not found")
                        .asRuntimeException();
            }
            if (product.stock < line.getQuantity()) {
                throw Status.FAILED_PRECONDITION.withDescription("insufficient stock for product " + line.getProductId())
                        .asRuntimeException();
            }
            total += line.getQuantity() * product.priceCents;
        }
        Order order;
        try (PreparedStatement statement = FILL_ORDER.prepare(connection, Map.of(
                "order_id", orderId, "product_ids", productIds, "quantities", quantities, "total_cents", total));
             ResultSet rows = statement.executeQuery()) {
            order = OrderResults.toOrders(rows).getFirst();
        }
        try (PreparedStatement statement = INSERT_ORDER_EVENT.prepare(connection, Map.of(
                "order_id", orderId, "customer_id", request.getCustomerId(), "sequence", 1, "type", "CREATED",
                "payload", order.toByteArray()))) {
            statement.executeUpdate();
        }
        return order;
    }

    private static Order existingOrder(Connection connection, CreateOrderRequest request) throws SQLException {
        try (PreparedStatement statement = FIND_ORDER_BY_REQUEST.prepare(connection, Map.of(
                "customer_id", request.getCustomerId(), "request_id", request.getRequestId()));
             ResultSet rows = statement.executeQuery()) {
            if (!rows.next()) {
                throw Status.NOT_FOUND.withDescription("customer " + request.getCustomerId() + " not found")
                        .asRuntimeException();
            }
            return readOrder(connection, rows.getLong("order_id"));
        }
    }

    private static Order readOrder(Connection connection, long orderId) throws SQLException {
        try (PreparedStatement statement = GET_ORDER.prepare(connection, Map.of("order_id", orderId));
             ResultSet rows = statement.executeQuery()) {
            List<Order> orders = OrderResults.toOrders(rows);
            if (orders.isEmpty()) {
                throw Status.NOT_FOUND.withDescription("order " + orderId + " not found").asRuntimeException();
            }
            return orders.getFirst();
        }
    }

    private static Long firstLong(Connection connection, NamedSql sql, Map<String, ?> values, String column)
            throws SQLException {
        try (PreparedStatement statement = sql.prepare(connection, values);
             ResultSet rows = statement.executeQuery()) {
            return rows.next() ? rows.getLong(column) : null;
        }
    }

    private static <T> void reply(StreamObserver<T> responses, T response) {
        responses.onNext(response);
        responses.onCompleted();
    }

    private static void fail(StreamObserver<?> responses, Exception e) {
        responses.onError(e instanceof StatusRuntimeException status
                ? status
                : Status.INTERNAL.withDescription(e.getMessage()).withCause(e).asRuntimeException());
    }
}
