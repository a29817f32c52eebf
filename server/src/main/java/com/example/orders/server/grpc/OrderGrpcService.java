package com.example.orders.server.grpc;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Semaphore;

import com.example.orders.server.db.CustomerStore;
import com.example.orders.server.db.EventNotifications;
import com.example.orders.server.db.EventStore;
import com.example.orders.server.db.OrderStore;
import com.example.orders.server.db.Page;
import com.example.orders.server.db.ProductStore;
import com.example.orders.server.error.ErrorStatus;
import com.example.orders.server.error.OutOfRangeException;
import com.example.orders.server.error.ResourceExhaustedException;
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

    /** Events a watch reads and sends at a time. */
    private static final int WATCH_BATCH = 100;
    /** The longest a watch waits for news: a notification lost while the listener reconnected costs no more. */
    private static final long WATCH_POLL_MILLIS = 1000;

    private final CustomerStore customers;
    private final ProductStore products;
    private final OrderStore orders;
    private final PageTokens pageTokens;
    private final ServiceLimits limits;
    /** Each export holds a pooled connection to its end: a few at once leave the pool to the other calls. */
    private final Semaphore exports;
    private final EventStore events;
    private final EventNotifications notifications;
    /** Watchers hold no connection while they wait, but each a thread and a stream: bounded too. */
    private final Semaphore watchers;
    private volatile boolean stopping;

    public OrderGrpcService(CustomerStore customers, ProductStore products, OrderStore orders, EventStore events,
                            EventNotifications notifications, PageTokens pageTokens, ServiceLimits limits) {
        this.customers = customers;
        this.products = products;
        this.orders = orders;
        this.events = events;
        this.notifications = notifications;
        this.pageTokens = pageTokens;
        this.limits = limits;
        this.exports = new Semaphore(limits.maxConcurrentExports());
        this.watchers = new Semaphore(limits.maxConcurrentWatchers());
    }

    @Override
    public void createCustomer(CreateCustomerRequest request, StreamObserver<Customer> responses) {
        String email = Requests.email(request.getEmail());
        String name = Requests.name("name", request.getName());
        reply(responses, customers.create(email, name));
    }

    @Override
    public void getCustomer(GetCustomerRequest request, StreamObserver<Customer> responses) {
        reply(responses, customers.get(Requests.id("id", request.getId())));
    }

    @Override
    public void createProduct(CreateProductRequest request, StreamObserver<Product> responses) {
        String sku = Requests.sku(request.getSku());
        String name = Requests.name("name", request.getName());
        long priceCents = Requests.priceCents(request.getPriceCents());
        int stock = Requests.stock(request.getStock());
        reply(responses, products.create(sku, name, priceCents, stock));
    }

    @Override
    public void listProducts(ListProductsRequest request, StreamObserver<ListProductsResponse> responses) {
        int pageSize = Requests.pageSize(request.getPageSize(), limits.maxPageSize());
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
        long customerId = Requests.id("customer_id", request.getCustomerId());
        String requestId = Requests.requestId(request.getRequestId());
        reply(responses, orders.create(customerId, requestId, Requests.lines(request.getLinesList(), limits.maxLinesPerOrder())));
    }

    @Override
    public void getOrder(GetOrderRequest request, StreamObserver<Order> responses) {
        reply(responses, orders.get(Requests.id("order_id", request.getOrderId())));
    }

    @Override
    public void listOrders(ListOrdersRequest request, StreamObserver<ListOrdersResponse> responses) {
        long customerId = Requests.id("customer_id", request.getCustomerId());
        OrderStatus status = Requests.statusFilter(request.getStatus());
        int pageSize = Requests.pageSize(request.getPageSize(), limits.maxPageSize());
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
        List<Long> ids = Requests.ids(request.getIdsList());
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
        long customerId = Requests.customerFilter(request.getCustomerId());
        OrderStatus status = Requests.statusFilter(request.getStatus());
        Instant createdAfter = request.hasCreatedAfter()
                ? Requests.timestamp("created_after", request.getCreatedAfter())
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
        long orderId = Requests.id("order_id", request.getOrderId());
        OrderStatus target = Requests.targetStatus(request.getStatus());
        reply(responses, orders.changeStatus(orderId, target));
    }

    @Override
    public void cancelOrder(CancelOrderRequest request, StreamObserver<Order> responses) {
        long orderId = Requests.id("order_id", request.getOrderId());
        reply(responses, orders.changeStatus(orderId, OrderStatus.ORDER_STATUS_CANCELLED));
    }

    /**
     * Sends the events after the position the client gives (or the last one), in position order, then
     * waits for the next to commit, until the client cancels or the server stops. Reads a batch at a
     * time on the call's own virtual thread, and {@code onNext} blocks while the client's flow-control
     * window is full: a slow watcher holds one batch, and falls behind in the database, not in memory.
     */
    @Override
    public void watchOrderEvents(WatchOrderEventsRequest request, StreamObserver<OrderEvent> responses) {
        long customerId = Requests.customerFilter(request.getCustomerId());
        Long resumeAfter = request.hasAfterEventId() ? Requests.afterEventId(request.getAfterEventId()) : null;
        if (!watchers.tryAcquire()) {
            throw new ResourceExhaustedException("already " + limits.maxConcurrentWatchers()
                    + " WatchOrderEvents calls running, the most this server runs at once; retry later");
        }
        Context call = Context.current();
        Context.CancellationListener wake = cancelled -> notifications.sequenced().signal();
        call.addListener(wake, Runnable::run);
        try {
            long position = startPosition(resumeAfter);
            while (!call.isCancelled() && !stopping) {
                long seen = notifications.sequenced().version();
                List<OrderEvent> batch = events.after(position, customerId, WATCH_BATCH);
                for (OrderEvent event : batch) {
                    responses.onNext(event);
                    position = event.getEventId();
                }
                if (batch.size() < WATCH_BATCH) {
                    notifications.sequenced().awaitAfter(seen, WATCH_POLL_MILLIS);
                }
            }
            responses.onError(call.isCancelled()
                    ? ErrorStatus.ofCancelled(call).asRuntimeException()
                    : Status.UNAVAILABLE.withDescription("the server is shutting down; watch again with the last "
                            + "event_id as after_event_id").asRuntimeException());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            responses.onError(Status.UNAVAILABLE.withDescription("the server is shutting down").asRuntimeException());
        } finally {
            call.removeListener(wake);
            watchers.release();
        }
    }

    /** Where a watch starts: after the last event, or after the client's, if every event since is held. */
    private long startPosition(Long resumeAfter) {
        EventStore.Positions held = events.positions();
        if (resumeAfter == null) {
            return held.last();
        }
        if (resumeAfter > held.last()) {
            throw new OutOfRangeException("after_event_id " + resumeAfter + " was never given: the last event is "
                    + held.last());
        }
        if (held.first() > resumeAfter + 1) {
            throw new OutOfRangeException("after_event_id " + resumeAfter + " is too old: the events up to "
                    + (held.first() - 1) + " are pruned; the oldest held is " + held.first());
        }
        return resumeAfter;
    }

    /**
     * Ends every watch with UNAVAILABLE (they would never end by themselves), and waits up to
     * {@code wait} for them to have sent it: the server stopping next would cut them off unanswered.
     */
    public void stopWatches(Duration wait) throws InterruptedException {
        stopping = true;
        notifications.sequenced().signal();
        long deadline = System.nanoTime() + wait.toNanos();
        while (watchers.availablePermits() < limits.maxConcurrentWatchers() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
    }

    private static <T> void reply(StreamObserver<T> responses, T response) {
        responses.onNext(response);
        responses.onCompleted();
    }
}
