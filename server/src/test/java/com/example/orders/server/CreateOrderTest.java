package com.example.orders.server;

import static com.example.orders.server.GrpcAssertions.assertStatus;
import static com.example.orders.server.ServiceFixture.line;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.sql.SQLException;
import java.util.List;
import java.util.stream.IntStream;

import com.example.orders.v1.CreateOrderRequest;
import com.example.orders.v1.Customer;
import com.example.orders.v1.GetOrderRequest;
import com.example.orders.v1.Order;
import com.example.orders.v1.OrderLine;
import com.example.orders.v1.OrderStatus;
import com.example.orders.v1.Product;

import io.grpc.Status.Code;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class CreateOrderTest {

    @RegisterExtension
    static final ServiceFixture service = new ServiceFixture();

    @Test
    void placesAnOrderAtTodaysPricesAndTakesTheStock() throws SQLException {
        Customer customer = service.customer();
        Product tea = service.product(450, 10);
        Product mug = service.product(1_200, 3);

        Order order = service.stub().createOrder(CreateOrderRequest.newBuilder()
                .setCustomerId(customer.getId())
                .setRequestId("first-order")
                .addLines(line(tea.getId(), 4))
                .addLines(line(mug.getId(), 3))
                .build());

        assertEquals(OrderStatus.ORDER_STATUS_PENDING, order.getStatus());
        assertEquals("first-order", order.getRequestId());
        assertEquals(customer.getId(), order.getCustomer().getId());
        assertEquals(customer.getEmail(), order.getCustomer().getEmail());
        assertEquals(4 * 450 + 3 * 1_200, order.getTotalCents());
        assertEquals(2, order.getLinesCount());
        OrderLine teaLine = order.getLines(0);
        assertEquals(tea.getId(), teaLine.getProductId());
        assertEquals(tea.getSku(), teaLine.getSku());
        assertEquals(tea.getName(), teaLine.getName());
        assertEquals(4, teaLine.getQuantity());
        assertEquals(450, teaLine.getUnitPriceCents());
        assertEquals(1_800, teaLine.getLineTotalCents());
        assertEquals(6, stock(tea));
        assertEquals(0, stock(mug));

        // A later price change does not touch the order: its prices were copied when it was placed.
        service.update("UPDATE products SET price_cents = 9999 WHERE id = " + tea.getId());
        Order read = service.stub().getOrder(GetOrderRequest.newBuilder().setOrderId(order.getId()).build());
        assertEquals(order, read);
    }

    @Test
    void repeatingARequestIdReturnsTheOriginalOrderAndWritesNothing() throws SQLException {
        Customer customer = service.customer();
        Product product = service.product(100, 10);
        CreateOrderRequest request = CreateOrderRequest.newBuilder()
                .setCustomerId(customer.getId())
                .setRequestId("retry-me")
                .addLines(line(product.getId(), 2))
                .build();

        Order first = service.stub().createOrder(request);
        Order again = service.stub().createOrder(request);

        assertEquals(first, again);
        assertEquals(8, stock(product));
        assertEquals(1, service.queryLong("SELECT count(*) FROM orders WHERE customer_id = " + customer.getId()));
    }

    /** As payment APIs do: a key reused for another request is a client's bug, told rather than hidden. */
    @Test
    void repeatingARequestIdWithOtherLinesIsRefusedAndWritesNothing() throws SQLException {
        Customer customer = service.customer();
        Product product = service.product(100, 10);
        Product other = service.product(100, 10);
        CreateOrderRequest request = CreateOrderRequest.newBuilder()
                .setCustomerId(customer.getId())
                .setRequestId("reused")
                .addLines(line(product.getId(), 2))
                .build();
        Order first = service.stub().createOrder(request);

        for (CreateOrderRequest changed : List.of(
                request.toBuilder().setLines(0, line(product.getId(), 5)).build(),
                request.toBuilder().setLines(0, line(other.getId(), 2)).build(),
                request.toBuilder().addLines(line(other.getId(), 1)).build())) {
            assertStatus(Code.ALREADY_EXISTS, "request_id reused was already used for order " + first.getId()
                         + " with other lines", () -> service.stub().createOrder(changed));
        }

        assertEquals(8, stock(product));
        assertEquals(10, stock(other));
        assertEquals(1, service.queryLong("SELECT count(*) FROM orders WHERE customer_id = " + customer.getId()));
        assertEquals(first, service.stub().createOrder(request), "the request as it was still returns the order");
    }

    @Test
    void theSameRequestIdFromAnotherCustomerIsANewOrder() {
        Product product = service.product(100, 10);
        CreateOrderRequest.Builder request = CreateOrderRequest.newBuilder()
                .setRequestId("shared-id")
                .addLines(line(product.getId(), 1));

        Order one = service.stub().createOrder(request.setCustomerId(service.customer().getId()).build());
        Order other = service.stub().createOrder(request.setCustomerId(service.customer().getId()).build());

        assertNotEquals(one.getId(), other.getId());
    }

    @Test
    void shortStockFailsNamingTheProductAndWritesNothing() throws SQLException {
        Customer customer = service.customer();
        Product plenty = service.product(100, 50);
        Product scarce = service.product(100, 2);

        assertStatus(Code.FAILED_PRECONDITION,
                "insufficient stock for product " + scarce.getId() + " (sku " + scarce.getSku()
                        + "): requested 3, available 2",
                () -> service.stub().createOrder(CreateOrderRequest.newBuilder()
                        .setCustomerId(customer.getId())
                        .setRequestId("too-much")
                        .addLines(line(plenty.getId(), 10))
                        .addLines(line(scarce.getId(), 3))
                        .build()));

        assertNothingWrittenFor(customer);
        assertEquals(50, stock(plenty));
        assertEquals(2, stock(scarce));
    }

    @Test
    void anUnknownProductIsNotFoundAndWritesNothing() throws SQLException {
        Customer customer = service.customer();
        Product product = service.product(100, 50);

        assertStatus(Code.NOT_FOUND, "product 99999999 not found",
                () -> service.stub().createOrder(CreateOrderRequest.newBuilder()
                        .setCustomerId(customer.getId())
                        .setRequestId("ghost-product")
                        .addLines(line(product.getId(), 1))
                        .addLines(line(99_999_999, 1))
                        .build()));

        assertNothingWrittenFor(customer);
        assertEquals(50, stock(product));
    }

    @Test
    void anUnknownCustomerIsNotFound() {
        Product product = service.product(100, 5);

        assertStatus(Code.NOT_FOUND, "customer 88888888 not found",
                () -> service.stub().createOrder(CreateOrderRequest.newBuilder()
                        .setCustomerId(88_888_888)
                        .setRequestId("nobody")
                        .addLines(line(product.getId(), 1))
                        .build()));
    }

    @Test
    void namesTheFieldThatIsWrong() {
        long customerId = service.customer().getId();
        long productId = service.product(100, 5).getId();
        CreateOrderRequest valid = CreateOrderRequest.newBuilder()
                .setCustomerId(customerId).setRequestId("r").addLines(line(productId, 1)).build();

        assertStatus(Code.INVALID_ARGUMENT, "customer_id must be a positive id",
                () -> service.stub().createOrder(valid.toBuilder().setCustomerId(-3).build()));
        assertStatus(Code.INVALID_ARGUMENT, "request_id is required",
                () -> service.stub().createOrder(valid.toBuilder().clearRequestId().build()));
        assertStatus(Code.INVALID_ARGUMENT, "lines must not be empty",
                () -> service.stub().createOrder(valid.toBuilder().clearLines().build()));
        assertStatus(Code.INVALID_ARGUMENT, "lines[0].quantity must be between 1 and 1000000, got 0",
                () -> service.stub().createOrder(valid.toBuilder().setLines(0, line(productId, 0)).build()));
        assertStatus(Code.INVALID_ARGUMENT, "lines[0].quantity must be between 1 and 1000000, got -1",
                () -> service.stub().createOrder(valid.toBuilder().setLines(0, line(productId, -1)).build()));
        assertStatus(Code.INVALID_ARGUMENT, "lines[1].product_id must be a positive id, got 0",
                () -> service.stub().createOrder(valid.toBuilder().addLines(line(0, 1)).build()));
        assertStatus(Code.INVALID_ARGUMENT, "lines[1].product_id " + productId + " repeats lines[0]",
                () -> service.stub().createOrder(valid.toBuilder().addLines(line(productId, 2)).build()));
        CreateOrderRequest.Builder tooMany = valid.toBuilder().clearLines();
        IntStream.rangeClosed(1, 101).forEach(i -> tooMany.addLines(line(i, 1)));
        assertStatus(Code.INVALID_ARGUMENT, "lines must hold at most 100 lines, got 101",
                () -> service.stub().createOrder(tooMany.build()));
    }

    private void assertNothingWrittenFor(Customer customer) throws SQLException {
        assertEquals(0, service.queryLong("SELECT count(*) FROM orders WHERE customer_id = " + customer.getId()));
        assertEquals(0, service.queryLong("SELECT count(*) FROM order_lines l JOIN orders o ON o.id = l.order_id"
                + " WHERE o.customer_id = " + customer.getId()));
    }

    private long stock(Product product) throws SQLException {
        return service.queryLong("SELECT stock FROM products WHERE id = " + product.getId());
    }
}
