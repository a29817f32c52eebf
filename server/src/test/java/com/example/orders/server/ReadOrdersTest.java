package com.example.orders.server;

import static com.example.orders.server.GrpcAssertions.assertStatus;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import com.example.orders.v1.Customer;
import com.example.orders.v1.GetOrderRequest;
import com.example.orders.v1.GetOrdersRequest;
import com.example.orders.v1.ListOrdersRequest;
import com.example.orders.v1.ListOrdersResponse;
import com.example.orders.v1.Order;
import com.example.orders.v1.OrderStatus;
import com.example.orders.v1.Product;
import com.example.orders.v1.UpdateOrderStatusRequest;

import io.grpc.Status.Code;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ReadOrdersTest {

    @RegisterExtension
    static final ServiceFixture service = new ServiceFixture();

    @Test
    void getOrderReturnsTheOrderAsCreated() {
        Order created = service.order(service.customer(), service.product(300, 5), service.product(700, 5));

        Order read = service.stub().getOrder(GetOrderRequest.newBuilder().setOrderId(created.getId()).build());

        assertEquals(created, read);
        assertEquals(2, read.getLinesCount());
    }

    @Test
    void getOrderOfAnUnknownIdIsNotFound() {
        assertStatus(Code.NOT_FOUND, "order 77777777 not found",
                () -> service.stub().getOrder(GetOrderRequest.newBuilder().setOrderId(77_777_777).build()));
        assertStatus(Code.INVALID_ARGUMENT, "order_id must be a positive id, got -1",
                () -> service.stub().getOrder(GetOrderRequest.newBuilder().setOrderId(-1).build()));
    }

    @Test
    void getOrdersReturnsThoseThatExistInTheOrderAsked() {
        Customer customer = service.customer();
        Product product = service.product(100, 50);
        Order first = service.order(customer, product);
        Order second = service.order(customer, product);

        List<Order> orders = service.stub().getOrders(GetOrdersRequest.newBuilder()
                .addIds(second.getId()).addIds(66_666_666).addIds(first.getId()).addIds(second.getId())
                .build()).getOrdersList();

        assertEquals(List.of(second, first), orders);
    }

    @Test
    void getOrdersChecksItsIds() {
        assertStatus(Code.INVALID_ARGUMENT, "ids must not be empty",
                () -> service.stub().getOrders(GetOrdersRequest.getDefaultInstance()));
        GetOrdersRequest.Builder tooMany = GetOrdersRequest.newBuilder();
        for (long id = 1; id <= 101; id++) {
            tooMany.addIds(id);
        }
        assertStatus(Code.INVALID_ARGUMENT, "ids must hold at most 100 ids, got 101",
                () -> service.stub().getOrders(tooMany.build()));
        assertStatus(Code.INVALID_ARGUMENT, "ids[1] must be a positive id, got 0",
                () -> service.stub().getOrders(GetOrdersRequest.newBuilder().addIds(1).addIds(0).build()));
    }

    @Test
    void listOrdersPagesNewestFirstWithLinesAndStaysStableUnderInserts() {
        Customer customer = service.customer();
        Product product = service.product(100, 100);
        List<Long> created = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            created.add(service.order(customer, product).getId());
        }
        service.order(service.customer(), product); // another customer's order stays out

        ListOrdersResponse firstPage = service.stub().listOrders(ListOrdersRequest.newBuilder()
                .setCustomerId(customer.getId()).setPageSize(2).build());
        service.order(customer, product); // a new order does not shift the pages already handed out
        List<Long> listed = new ArrayList<>(ids(firstPage));
        String token = firstPage.getNextPageToken();
        while (!token.isEmpty()) {
            ListOrdersResponse page = service.stub().listOrders(ListOrdersRequest.newBuilder()
                    .setCustomerId(customer.getId()).setPageSize(2).setPageToken(token).build());
            page.getOrdersList().forEach(order -> assertEquals(1, order.getLinesCount()));
            listed.addAll(ids(page));
            token = page.getNextPageToken();
        }

        assertEquals(created.reversed(), listed);
    }

    @Test
    void listOrdersFiltersByStatus() {
        Customer customer = service.customer();
        Product product = service.product(100, 100);
        Order paid = service.order(customer, product);
        service.order(customer, product);
        service.stub().updateOrderStatus(UpdateOrderStatusRequest.newBuilder()
                .setOrderId(paid.getId()).setStatus(OrderStatus.ORDER_STATUS_PAID).build());

        ListOrdersResponse page = service.stub().listOrders(ListOrdersRequest.newBuilder()
                .setCustomerId(customer.getId()).setStatus(OrderStatus.ORDER_STATUS_PAID).build());

        assertEquals(List.of(paid.getId()), ids(page));
        assertEquals(OrderStatus.ORDER_STATUS_PAID, page.getOrders(0).getStatus());
        assertTrue(page.getNextPageToken().isEmpty());
    }

    @Test
    void listOrdersOfACustomerWithoutOrdersIsEmpty() {
        ListOrdersResponse page = service.stub().listOrders(ListOrdersRequest.newBuilder()
                .setCustomerId(service.customer().getId()).build());

        assertEquals(0, page.getOrdersCount());
        assertTrue(page.getNextPageToken().isEmpty());
    }

    @Test
    void listOrdersRejectsUnknownCustomersAndForeignTokens() {
        Customer customer = service.customer();
        Product product = service.product(100, 100);
        service.order(customer, product);
        service.order(customer, product);
        String token = service.stub().listOrders(ListOrdersRequest.newBuilder()
                .setCustomerId(customer.getId()).setPageSize(1).build()).getNextPageToken();

        assertStatus(Code.NOT_FOUND, "customer 55555555 not found", () -> service.stub().listOrders(
                ListOrdersRequest.newBuilder().setCustomerId(55_555_555).build()));
        assertStatus(Code.INVALID_ARGUMENT, "page_token belongs to a different query", () -> service.stub().listOrders(
                ListOrdersRequest.newBuilder().setCustomerId(service.customer().getId()).setPageToken(token).build()));
        assertStatus(Code.INVALID_ARGUMENT, "page_token belongs to a different query", () -> service.stub().listOrders(
                ListOrdersRequest.newBuilder().setCustomerId(customer.getId()).setPageToken(token)
                        .setStatus(OrderStatus.ORDER_STATUS_SHIPPED).build()));
        assertStatus(Code.INVALID_ARGUMENT, "page_token is not a token returned by this service",
                () -> service.stub().listOrders(ListOrdersRequest.newBuilder()
                        .setCustomerId(customer.getId()).setPageToken(token.substring(1)).build()));
        assertStatus(Code.INVALID_ARGUMENT, "page_size must be between 1 and 100", () -> service.stub().listOrders(
                ListOrdersRequest.newBuilder().setCustomerId(customer.getId()).setPageSize(1000).build()));
        assertStatus(Code.INVALID_ARGUMENT, "status is not a known OrderStatus value", () -> service.stub().listOrders(
                ListOrdersRequest.newBuilder().setCustomerId(customer.getId()).setStatusValue(42).build()));
    }

    private static List<Long> ids(ListOrdersResponse page) {
        return page.getOrdersList().stream().map(Order::getId).toList();
    }
}
