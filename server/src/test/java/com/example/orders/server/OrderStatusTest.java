package com.example.orders.server;

import static com.example.orders.server.GrpcAssertions.assertStatus;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.sql.SQLException;

import com.example.orders.v1.CancelOrderRequest;
import com.example.orders.v1.Order;
import com.example.orders.v1.OrderStatus;
import com.example.orders.v1.Product;
import com.example.orders.v1.UpdateOrderStatusRequest;

import io.grpc.Status.Code;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class OrderStatusTest {

    @RegisterExtension
    static final ServiceFixture service = new ServiceFixture();

    @Test
    void movesFromPendingToPaidToShipped() {
        Order order = service.order(service.customer(), service.product(100, 5));

        Order paid = move(order, OrderStatus.ORDER_STATUS_PAID);
        Order shipped = move(order, OrderStatus.ORDER_STATUS_SHIPPED);

        assertEquals(OrderStatus.ORDER_STATUS_PAID, paid.getStatus());
        assertEquals(OrderStatus.ORDER_STATUS_SHIPPED, shipped.getStatus());
        assertEquals(order.getLinesList(), shipped.getLinesList());
    }

    @Test
    void cancellingPutsTheStockBack() throws SQLException {
        Product tea = service.product(100, 5);
        Product mug = service.product(100, 5);
        Order order = service.order(service.customer(), tea, mug);
        move(order, OrderStatus.ORDER_STATUS_PAID);

        Order cancelled = service.stub().cancelOrder(CancelOrderRequest.newBuilder().setOrderId(order.getId()).build());

        assertEquals(OrderStatus.ORDER_STATUS_CANCELLED, cancelled.getStatus());
        assertEquals(5, service.queryLong("SELECT stock FROM products WHERE id = " + tea.getId()));
        assertEquals(5, service.queryLong("SELECT stock FROM products WHERE id = " + mug.getId()));
        assertStatus(Code.FAILED_PRECONDITION, "order " + order.getId() + " is CANCELLED and cannot become CANCELLED",
                () -> service.stub().cancelOrder(CancelOrderRequest.newBuilder().setOrderId(order.getId()).build()));
        assertEquals(5, service.queryLong("SELECT stock FROM products WHERE id = " + tea.getId()),
                "a refused second cancel puts nothing back");
    }

    @Test
    void refusesIllegalTransitions() {
        Product product = service.product(100, 5);
        Order order = service.order(service.customer(), product);

        assertStatus(Code.FAILED_PRECONDITION, "is PENDING and cannot become SHIPPED",
                () -> move(order, OrderStatus.ORDER_STATUS_SHIPPED));
        assertStatus(Code.FAILED_PRECONDITION, "is PENDING and cannot become PENDING",
                () -> move(order, OrderStatus.ORDER_STATUS_PENDING));
        move(order, OrderStatus.ORDER_STATUS_PAID);
        move(order, OrderStatus.ORDER_STATUS_SHIPPED);
        assertStatus(Code.FAILED_PRECONDITION, "is SHIPPED and cannot become CANCELLED",
                () -> service.stub().cancelOrder(CancelOrderRequest.newBuilder().setOrderId(order.getId()).build()));
    }

    @Test
    void checksTheRequest() {
        Order order = service.order(service.customer(), service.product(100, 5));

        assertStatus(Code.INVALID_ARGUMENT, "status must be one of",
                () -> move(order, OrderStatus.ORDER_STATUS_UNSPECIFIED));
        assertStatus(Code.INVALID_ARGUMENT, "status must be one of",
                () -> service.stub().updateOrderStatus(UpdateOrderStatusRequest.newBuilder()
                        .setOrderId(order.getId()).setStatusValue(99).build()));
        assertStatus(Code.NOT_FOUND, "order 44444444 not found",
                () -> service.stub().cancelOrder(CancelOrderRequest.newBuilder().setOrderId(44_444_444).build()));
        assertStatus(Code.INVALID_ARGUMENT, "order_id must be a positive id, got 0",
                () -> service.stub().cancelOrder(CancelOrderRequest.getDefaultInstance()));
    }

    private Order move(Order order, OrderStatus status) {
        return service.stub().updateOrderStatus(UpdateOrderStatusRequest.newBuilder()
                .setOrderId(order.getId()).setStatus(status).build());
    }
}
