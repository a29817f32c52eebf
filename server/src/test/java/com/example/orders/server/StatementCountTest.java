package com.example.orders.server;

import static com.example.orders.server.ServiceFixture.line;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;

import com.example.orders.v1.CancelOrderRequest;
import com.example.orders.v1.CreateOrderRequest;
import com.example.orders.v1.Customer;
import com.example.orders.v1.ExportOrdersRequest;
import com.example.orders.v1.GetOrderRequest;
import com.example.orders.v1.GetOrdersRequest;
import com.example.orders.v1.ListOrdersRequest;
import com.example.orders.v1.Order;
import com.example.orders.v1.OrderStatus;
import com.example.orders.v1.Product;
import com.example.orders.v1.UpdateOrderStatusRequest;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The number of statements a call runs must not grow with the size of its data (no N+1). */
class StatementCountTest {

    @RegisterExtension
    static final ServiceFixture service = new ServiceFixture();

    @Test
    void createOrderRunsTheSameStatementsForOneLineAndFifty() {
        Customer customer = service.customer();
        List<Product> products = products(50);

        long oneLine = statementsOf(() -> createOrder(customer, products.subList(0, 1)));
        long fiftyLines = statementsOf(() -> createOrder(customer, products));

        assertEquals(4, oneLine, "insert order, lock products, fill order and read it back, write its event");
        assertEquals(oneLine, fiftyLines);
    }

    @Test
    void statusChangesRunTheSameStatementsForOneLineAndFifty() {
        Customer customer = service.customer();
        List<Product> products = products(50);
        Order small = createOrder(customer, products.subList(0, 1));
        Order large = createOrder(customer, products);

        long payOne = statementsOf(() -> setStatus(small, OrderStatus.ORDER_STATUS_PAID));
        long payFifty = statementsOf(() -> setStatus(large, OrderStatus.ORDER_STATUS_PAID));
        long cancelOne = statementsOf(() -> cancel(small));
        long cancelFifty = statementsOf(() -> cancel(large));

        assertEquals(4, payOne, "lock the order, set its status, read it back, write its event");
        assertEquals(payOne, payFifty);
        assertEquals(6, cancelOne, "the same, and lock its products and put their stock back");
        assertEquals(cancelOne, cancelFifty);
    }

    @Test
    void getOrderRunsOneStatementForOneLineAndFifty() {
        Customer customer = service.customer();
        List<Product> products = products(50);
        Order small = createOrder(customer, products.subList(0, 1));
        Order large = createOrder(customer, products);

        long oneLine = statementsOf(() -> service.stub().getOrder(GetOrderRequest.newBuilder().setOrderId(small.getId()).build()));
        long fiftyLines = statementsOf(() -> service.stub().getOrder(GetOrderRequest.newBuilder().setOrderId(large.getId()).build()));

        assertEquals(1, oneLine);
        assertEquals(1, fiftyLines);
    }

    @Test
    void listOrdersRunsOneStatementForAPageOfOneAndOfFifty() {
        Customer customer = service.customer();
        List<Product> products = products(3);
        List<Order> orders = IntStream.range(0, 50).mapToObj(i -> createOrder(customer, products)).toList();

        long pageOfOne = statementsOf(() -> assertEquals(1, service.stub().listOrders(ListOrdersRequest.newBuilder()
                .setCustomerId(customer.getId()).setPageSize(1).build()).getOrdersCount()));
        long pageOfFifty = statementsOf(() -> assertEquals(50, service.stub().listOrders(ListOrdersRequest.newBuilder()
                .setCustomerId(customer.getId()).setPageSize(50).build()).getOrdersCount()));
        long batchOfFifty = statementsOf(() -> assertEquals(50, service.stub().getOrders(GetOrdersRequest.newBuilder()
                .addAllIds(orders.stream().map(Order::getId).toList()).build()).getOrdersCount()));

        assertEquals(1, pageOfOne);
        assertEquals(1, pageOfFifty);
        assertEquals(1, batchOfFifty);
    }

    @Test
    void exportOrdersRunsOneStatementForOneOrderAndFifty() {
        List<Product> products = products(3);
        Customer small = service.customer();
        createOrder(small, products);
        Customer large = service.customer();
        IntStream.range(0, 50).forEach(i -> createOrder(large, products));

        long oneOrder = statementsOf(() -> assertEquals(1, exportedCount(small)));
        long fiftyOrders = statementsOf(() -> assertEquals(50, exportedCount(large)));

        assertEquals(1, oneOrder);
        assertEquals(1, fiftyOrders);
    }

    private static int exportedCount(Customer customer) {
        List<Order> orders = new ArrayList<>();
        service.stub().exportOrders(ExportOrdersRequest.newBuilder().setCustomerId(customer.getId()).build())
                .forEachRemaining(orders::add);
        return orders.size();
    }

    private static void setStatus(Order order, OrderStatus status) {
        service.stub().updateOrderStatus(UpdateOrderStatusRequest.newBuilder()
                .setOrderId(order.getId()).setStatus(status).build());
    }

    private static void cancel(Order order) {
        service.stub().cancelOrder(CancelOrderRequest.newBuilder().setOrderId(order.getId()).build());
    }

    private static List<Product> products(int count) {
        return IntStream.range(0, count).mapToObj(i -> service.product(100, 1_000)).toList();
    }

    private static Order createOrder(Customer customer, List<Product> products) {
        return service.stub().createOrder(CreateOrderRequest.newBuilder()
                .setCustomerId(customer.getId())
                .setRequestId(UUID.randomUUID().toString())
                .addAllLines(products.stream().map(p -> line(p.getId(), 1)).toList())
                .build());
    }

    /** Calls in a test class run one after another, so the difference is the call's own. */
    private static long statementsOf(Runnable call) {
        long before = service.server().statementsExecuted();
        call.run();
        return service.server().statementsExecuted() - before;
    }
}
