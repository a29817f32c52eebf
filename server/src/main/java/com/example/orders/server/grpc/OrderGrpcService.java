package com.example.orders.server.grpc;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.Semaphore;

import com.example.orders.server.db.CustomerStore;
import com.example.orders.server.db.OrderStore;
import com.example.orders.server.db.Page;
import com.example.orders.server.db.ProductStore;
import com.example.orders.server.error.ResourceExhaustedException;
import com.example.orders.server.events.EventWatches;
import com.example.orders.v1.CancelOrderRequest;
import com.example.orders.v1.CreateCustomerRequest;
import com.example.orders.v1.CreateOrderRequest;
import com.example.orders.v1.CreateProductRequest;
import com.example.orders.v1.Customer;
import com.example.orders.v1.ExportOrdersRequest;
import com.example.orders.v1.GetCustomerRequest;
import com.example.orders.v1.GetOrderRequest;
import com.example.orders.v1.GetOrdersRequest;
import com.example.orders.v1.GetOrdersResponse;
import com.example.orders.v1.ListOrdersRequest;
import com.example.orders.v1.ListOrdersResponse;
import com.example.orders.v1.ListProductsRequest;
import com.example.orders.v1.ListProductsResponse;
import com.example.orders.v1.Order;
import com.example.orders.v1.OrderEvent;
import com.example.orders.v1.OrderServiceGrpc;
import com.example.orders.v1.OrderStatus;
import com.example.orders.v1.Product;
import com.example.orders.v1.UpdateOrderStatusRequest;
import com.example.orders.v1.WatchOrderEventsRequest;

import io.grpc.Context;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;

/**
 * The OrderService handlers: check the request, run one store call, send its result. Failures are
 * thrown and turned into statuses by {@link ErrorMappingInterceptor}.
 */
public final class OrderGrpcService extends OrderServiceGrpc.OrderServiceImplBase {

    private final CustomerStore customers;
    private final ProductStore products;
    private final OrderStore orders;
    private final PageTokens pageTokens;
    private final ServiceLimits limits;
    /** Each export holds a pooled connection to its end: a few at once leave the pool to the other calls. */
    private final Semaphore exports;
    private final EventWatches watches;

    public OrderGrpcService(CustomerStore customers, ProductStore products, OrderStore orders, EventWatches watches,
                            PageTokens pageTokens, ServiceLimits limits) {
        this.customers = customers;
        this.products = products;
        this.orders = orders;
        this.watches = watches;
        this.pageTokens = pageTokens;
        this.limits = limits;
        this.exports = new Semaphore(limits.maxConcurrentExports());
    }

    @Override
    public void createCustomer(CreateCustomerRequest request, StreamObserver<Customer> responses) {
        String email = RequestChecks.email(request.getEmail());
        String name = RequestChecks.name("name", request.getName());
        reply(responses, customers.create(email, name));
    }

    @Override
    public void getCustomer(GetCustomerRequest request, StreamObserver<Customer> responses) {
        reply(responses, customers.get(RequestChecks.id("id", request.getId())));
    }

    @Override
    public void createProduct(CreateProductRequest request, StreamObserver<Product> responses) {
        String sku = RequestChecks.sku(request.getSku());
        String name = RequestChecks.name("name", request.getName());
        long priceCents = RequestChecks.priceCents(request.getPriceCents());
        int stock = RequestChecks.stock(request.getStock());
        reply(responses, products.create(sku, name, priceCents, stock));
    }

    @Override
    public void listProducts(ListProductsRequest request, StreamObserver<ListProductsResponse> responses) {
        int pageSize = RequestChecks.pageSize(request.getPageSize(), limits.maxPageSize());
        String query = "products";
        long afterId = pageTokens.decode(request.getPageToken(), query, 0);
        Page<Product> page = products.list(afterId, pageSize);
        ListProductsResponse.Builder response = ListProductsResponse.newBuilder().addAllProducts(page.items());
        if (page.hasMore()) {
            response.setNextPageToken(pageTokens.encode(query, page.items().getLast().getId()));
        }
        reply(responses, response.build());
    }

    @Override
    public void createOrder(CreateOrderRequest request, StreamObserver<Order> responses) {
        long customerId = RequestChecks.id("customer_id", request.getCustomerId());
        String requestId = RequestChecks.requestId(request.getRequestId());
        reply(responses, orders.create(customerId, requestId, RequestChecks.lines(request.getLinesList(), limits.maxLinesPerOrder())));
    }

    @Override
    public void getOrder(GetOrderRequest request, StreamObserver<Order> responses) {
        reply(responses, orders.get(RequestChecks.id("order_id", request.getOrderId())));
    }

    @Override
    public void listOrders(ListOrdersRequest request, StreamObserver<ListOrdersResponse> responses) {
        long customerId = RequestChecks.id("customer_id", request.getCustomerId());
        OrderStatus status = RequestChecks.statusFilter(request.getStatus());
        int pageSize = RequestChecks.pageSize(request.getPageSize(), limits.maxPageSize());
        String query = "orders/" + customerId + "/" + status.getNumber();
        long beforeId = pageTokens.decode(request.getPageToken(), query, Long.MAX_VALUE);
        Page<Order> page = orders.list(customerId, status, beforeId, pageSize);
        ListOrdersResponse.Builder response = ListOrdersResponse.newBuilder().addAllOrders(page.items());
        if (page.hasMore()) {
            response.setNextPageToken(pageTokens.encode(query, page.items().getLast().getId()));
        }
        reply(responses, response.build());
    }

    @Override
    public void getOrders(GetOrdersRequest request, StreamObserver<GetOrdersResponse> responses) {
        List<Long> ids = RequestChecks.ids(request.getIdsList());
        reply(responses, GetOrdersResponse.newBuilder().addAllOrders(orders.getAll(ids)).build());
    }

    /**
     * Streams the orders as the store reads them, on the call's own virtual thread: {@code onNext}
     * blocks while the client's HTTP/2 flow-control window is full, so a slow client slows the
     * database read down instead of orders piling up in memory. A call cancelled by its client or its
     * deadline stops at the next order (and its statement is cancelled, see db/ConnectionPool).
     */
    @Override
    public void exportOrders(ExportOrdersRequest request, StreamObserver<Order> responses) {
        long customerId = RequestChecks.customerFilter(request.getCustomerId());
        OrderStatus status = RequestChecks.statusFilter(request.getStatus());
        Instant createdAfter = request.hasCreatedAfter()
                ? RequestChecks.timestamp("created_after", request.getCreatedAfter())
                : null;
        if (!exports.tryAcquire()) {
            throw new ResourceExhaustedException("already " + limits.maxConcurrentExports()
                    + " exports running, the most this server runs at once; retry later");
        }
        try {
            Context call = Context.current();
            orders.export(customerId, status, createdAfter, order -> {
                if (call.isCancelled()) {
                    return false;
                }
                responses.onNext(order);
                return true;
            });
            if (call.isCancelled()) {
                responses.onError(ErrorStatus.ofCancelled(call).asRuntimeException());
            } else {
                responses.onCompleted();
            }
        } finally {
            exports.release();
        }
    }

    @Override
    public void updateOrderStatus(UpdateOrderStatusRequest request, StreamObserver<Order> responses) {
        long orderId = RequestChecks.id("order_id", request.getOrderId());
        OrderStatus target = RequestChecks.targetStatus(request.getStatus());
        reply(responses, orders.changeStatus(orderId, target));
    }

    @Override
    public void cancelOrder(CancelOrderRequest request, StreamObserver<Order> responses) {
        long orderId = RequestChecks.id("order_id", request.getOrderId());
        reply(responses, orders.changeStatus(orderId, OrderStatus.ORDER_STATUS_CANCELLED));
    }

    /** The stored events after the client's position, then each new one as it is sequenced (see EventWatches). */
    @Override
    public void watchOrderEvents(WatchOrderEventsRequest request, StreamObserver<OrderEvent> responses) {
        long customerId = RequestChecks.customerFilter(request.getCustomerId());
        Long resumeAfter = request.hasAfterEventId() ? RequestChecks.afterEventId(request.getAfterEventId()) : null;
        Context call = Context.current();
        watches.watch(resumeAfter, customerId, responses::onNext, end -> responses.onError(switch (end) {
            case CANCELLED -> ErrorStatus.ofCancelled(call).asRuntimeException();
            case SERVER_STOPPING -> Status.UNAVAILABLE.withDescription("the server is shutting down; watch again "
                    + "with the last event_id as after_event_id").asRuntimeException();
        }));
    }

    private static <T> void reply(StreamObserver<T> responses, T response) {
        responses.onNext(response);
        responses.onCompleted();
    }
}
