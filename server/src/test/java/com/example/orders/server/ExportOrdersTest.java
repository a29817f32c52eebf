package com.example.orders.server;

import static com.example.orders.server.GrpcAssertions.assertStatus;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import com.example.orders.v1.Customer;
import com.example.orders.v1.ExportOrdersRequest;
import com.example.orders.v1.GetOrdersRequest;
import com.example.orders.v1.Order;
import com.example.orders.v1.OrderStatus;
import com.example.orders.v1.Product;
import com.example.orders.v1.UpdateOrderStatusRequest;
import com.google.protobuf.Timestamp;

import io.grpc.Status.Code;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What ExportOrders streams and how it checks its filters; the large volumes are in ExportOrdersStreamingTest. */
class ExportOrdersTest {

    @RegisterExtension
    static final ServiceFixture service = new ServiceFixture();

    @Test
    void exportsACustomersOrdersInIdOrderWithTheirLines() {
        Customer customer = service.customer();
        Product mug = service.product(1250, 100);
        Product tea = service.product(499, 100);
        List<Order> created = List.of(
                service.order(customer, mug, tea),
                service.order(customer, tea),
                service.order(customer, tea, mug));
        service.order(service.customer(), mug); // another customer's order stays out

        List<Order> exported = export(ExportOrdersRequest.newBuilder().setCustomerId(customer.getId()).build());

        assertEquals(created, exported);
        assertEquals(List.of(2, 1, 2), exported.stream().map(Order::getLinesCount).toList());
    }

    @Test
    void exportsEveryCustomersOrdersWithoutFilters() {
        Product product = service.product(100, 100);
        Order first = service.order(service.customer(), product);
        Order second = service.order(service.customer(), product);

        List<Order> exported = export(ExportOrdersRequest.getDefaultInstance());

        List<Long> ids = exported.stream().map(Order::getId).toList();
        assertTrue(ids.containsAll(List.of(first.getId(), second.getId())), () -> "exported " + ids);
        assertEquals(ids.stream().sorted().toList(), ids, "ascending ids");
        assertEquals(getOrders(ids), exported, "the same orders as GetOrders returns");
    }

    @Test
    void filtersByStatusAndCreationTime() {
        Customer customer = service.customer();
        Product product = service.product(100, 100);
        Order first = service.order(customer, product);
        Order second = service.order(customer, product);
        Order third = service.order(customer, product);
        Order paid = service.stub().updateOrderStatus(UpdateOrderStatusRequest.newBuilder()
                .setOrderId(second.getId()).setStatus(OrderStatus.ORDER_STATUS_PAID).build());

        assertEquals(List.of(paid), export(ExportOrdersRequest.newBuilder()
                .setCustomerId(customer.getId()).setStatus(OrderStatus.ORDER_STATUS_PAID).build()));
        assertEquals(List.of(paid, third), export(ExportOrdersRequest.newBuilder()
                .setCustomerId(customer.getId()).setCreatedAfter(first.getCreatedAt()).build()));
        assertEquals(List.of(first, third), export(ExportOrdersRequest.newBuilder()
                .setCustomerId(customer.getId()).setStatus(OrderStatus.ORDER_STATUS_PENDING).build()));
    }

    @Test
    void nothingMatchesIsAnEmptyExport() {
        Customer customer = service.customer();
        service.order(customer, service.product(100, 100));
        Timestamp nextYear = Timestamp.newBuilder().setSeconds(System.currentTimeMillis() / 1000 + 366 * 86_400).build();

        assertEquals(List.of(), export(ExportOrdersRequest.newBuilder()
                .setCustomerId(service.customer().getId()).build()));
        assertEquals(List.of(), export(ExportOrdersRequest.newBuilder()
                .setCustomerId(customer.getId()).setCreatedAfter(nextYear).build()));
        assertEquals(List.of(), export(ExportOrdersRequest.newBuilder()
                .setCustomerId(customer.getId()).setStatus(OrderStatus.ORDER_STATUS_SHIPPED).build()));
    }

    @Test
    void rejectsBadFiltersAndUnknownCustomers() {
        assertStatus(Code.NOT_FOUND, "customer 55555555 not found",
                () -> export(ExportOrdersRequest.newBuilder().setCustomerId(55_555_555).build()));
        assertStatus(Code.INVALID_ARGUMENT, "customer_id must be a positive id, or 0 for every customer, got -3",
                () -> export(ExportOrdersRequest.newBuilder().setCustomerId(-3).build()));
        assertStatus(Code.INVALID_ARGUMENT, "status is not a known OrderStatus value",
                () -> export(ExportOrdersRequest.newBuilder().setStatusValue(42).build()));
        assertStatus(Code.INVALID_ARGUMENT, "created_after must be a time between 0001-01-01 and 9999-12-31",
                () -> export(ExportOrdersRequest.newBuilder()
                        .setCreatedAfter(Timestamp.newBuilder().setSeconds(1).setNanos(-1)).build()));
        assertStatus(Code.INVALID_ARGUMENT, "created_after must be a time between 0001-01-01 and 9999-12-31",
                () -> export(ExportOrdersRequest.newBuilder()
                        .setCreatedAfter(Timestamp.newBuilder().setSeconds(Long.MAX_VALUE)).build()));
    }

    private static List<Order> export(ExportOrdersRequest request) {
        List<Order> orders = new ArrayList<>();
        service.stub().exportOrders(request).forEachRemaining(orders::add);
        return orders;
    }

    private static List<Order> getOrders(List<Long> ids) {
        List<Order> orders = new ArrayList<>();
        for (int from = 0; from < ids.size(); from += 100) {
            orders.addAll(service.stub().getOrders(GetOrdersRequest.newBuilder()
                    .addAllIds(ids.subList(from, Math.min(from + 100, ids.size()))).build()).getOrdersList());
        }
        return orders;
    }
}
