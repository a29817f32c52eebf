package com.example.orders.server;

import static com.example.orders.server.GrpcAssertions.assertStatus;
import static com.example.orders.server.ServiceFixture.line;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.sql.SQLException;
import java.util.Base64;
import java.util.function.Function;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import java.util.stream.Stream;

import com.example.orders.v1.CancelOrderRequest;
import com.example.orders.v1.CreateCustomerRequest;
import com.example.orders.v1.CreateOrderRequest;
import com.example.orders.v1.CreateProductRequest;
import com.example.orders.v1.Customer;
import com.example.orders.v1.GetCustomerRequest;
import com.example.orders.v1.GetOrderRequest;
import com.example.orders.v1.GetOrdersRequest;
import com.example.orders.v1.ListOrdersRequest;
import com.example.orders.v1.ListProductsRequest;
import com.example.orders.v1.OrderLineRequest;
import com.example.orders.v1.OrderServiceGrpc.OrderServiceBlockingStub;
import com.example.orders.v1.Product;
import com.example.orders.v1.UpdateOrderStatusRequest;

import io.grpc.Status.Code;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Requests a careless or hostile client could send, for every RPC: each gets the right status with a
 * message naming what is wrong, nothing is written, and the server keeps serving.
 */
class HostileInputTest {

    @RegisterExtension
    static final ServiceFixture service = new ServiceFixture();

    private static final String TEN_MEGABYTES = "x".repeat(10 * 1024 * 1024);
    private static Customer customer;
    private static Product product;
    private static String productsPageToken;
    private static String alteredOrdersPageToken;
    private static long rowsBefore;

    @BeforeAll
    static void someData() throws SQLException {
        customer = service.customer();
        product = service.product(100, 10);
        service.product(100, 10);
        productsPageToken = service.stub().listProducts(ListProductsRequest.newBuilder().setPageSize(1).build())
                .getNextPageToken();
        service.order(customer, product);
        service.order(customer, product);
        alteredOrdersPageToken = altered(service.stub().listOrders(ListOrdersRequest.newBuilder()
                .setCustomerId(customer.getId()).setPageSize(1).build()).getNextPageToken());
        rowsBefore = rows();
    }

    @AfterAll
    static void nothingWasWrittenAndTheServerServes() throws SQLException {
        assertEquals(rowsBefore, rows());
        assertEquals(customer.getEmail(), service.stub()
                .getCustomer(GetCustomerRequest.newBuilder().setId(customer.getId()).build()).getEmail());
    }

    /** A hostile request: what it is, the call, and the status and message part it must get. */
    record Case(String name, Function<OrderServiceBlockingStub, Object> call, Code code, String message) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Arguments> cases() {
        return Stream.of(
                // CreateCustomer
                new Case("empty email", s -> s.createCustomer(customerRequest("", "N")), Code.INVALID_ARGUMENT, "email is required"),
                new Case("10 MB email", s -> s.createCustomer(customerRequest(TEN_MEGABYTES, "N")), Code.RESOURCE_EXHAUSTED, "exceeds the maximum"),
                new Case("255-character email", s -> s.createCustomer(customerRequest("a".repeat(243) + "@example.com", "N")),
                         Code.INVALID_ARGUMENT, "email must be at most 254 characters"),
                new Case("NUL in a name", s -> s.createCustomer(customerRequest("nul@example.com", "a\u0000b")),
                         Code.INVALID_ARGUMENT, "name must not contain control characters"),
                // GetCustomer
                new Case("negative customer id", s -> s.getCustomer(GetCustomerRequest.newBuilder().setId(-1).build()),
                         Code.INVALID_ARGUMENT, "id must be a positive id"),
                new Case("smallest int64 customer id", s -> s.getCustomer(GetCustomerRequest.newBuilder().setId(Long.MIN_VALUE).build()),
                         Code.INVALID_ARGUMENT, "id must be a positive id"),
                new Case("largest int64 customer id", s -> s.getCustomer(GetCustomerRequest.newBuilder().setId(Long.MAX_VALUE).build()),
                         Code.NOT_FOUND, "customer " + Long.MAX_VALUE + " not found"),
                // CreateProduct
                new Case("largest int64 price", s -> s.createProduct(productRequest().setPriceCents(Long.MAX_VALUE).build()),
                         Code.INVALID_ARGUMENT, "price_cents must be between 0 and"),
                new Case("smallest int64 price", s -> s.createProduct(productRequest().setPriceCents(Long.MIN_VALUE).build()),
                         Code.INVALID_ARGUMENT, "price_cents must be between 0 and"),
                new Case("smallest int32 stock", s -> s.createProduct(productRequest().setStock(Integer.MIN_VALUE).build()),
                         Code.INVALID_ARGUMENT, "stock must not be negative"),
                new Case("sku with a newline", s -> s.createProduct(productRequest().setSku("A\nB").build()),
                         Code.INVALID_ARGUMENT, "sku must not contain spaces or control characters"),
                // ListProducts
                new Case("largest int32 page size", s -> s.listProducts(ListProductsRequest.newBuilder().setPageSize(Integer.MAX_VALUE).build()),
                         Code.INVALID_ARGUMENT, "page_size must be between 1 and 100"),
                new Case("garbage page token", s -> s.listProducts(ListProductsRequest.newBuilder().setPageToken("%%%").build()),
                         Code.INVALID_ARGUMENT, "page_token is not a token returned by this service"),
                // CreateOrder
                new Case("zero quantity", s -> s.createOrder(orderRequest(line(product.getId(), 0))),
                         Code.INVALID_ARGUMENT, "lines[0].quantity must be between 1 and 1000000, got 0"),
                new Case("negative quantity", s -> s.createOrder(orderRequest(line(product.getId(), -7))),
                         Code.INVALID_ARGUMENT, "lines[0].quantity must be between 1 and 1000000, got -7"),
                new Case("largest int32 quantity", s -> s.createOrder(orderRequest(line(product.getId(), Integer.MAX_VALUE))),
                         Code.INVALID_ARGUMENT, "lines[0].quantity must be between 1 and 1000000"),
                new Case("largest int64 product id", s -> s.createOrder(orderRequest(line(Long.MAX_VALUE, 1))),
                         Code.NOT_FOUND, "product " + Long.MAX_VALUE + " not found"),
                new Case("smallest int64 customer id in an order",
                         s -> s.createOrder(orderRequest(line(product.getId(), 1)).toBuilder().setCustomerId(Long.MIN_VALUE).build()),
                         Code.INVALID_ARGUMENT, "customer_id must be a positive id"),
                new Case("10,000 lines", s -> s.createOrder(CreateOrderRequest.newBuilder()
                                 .setCustomerId(customer.getId()).setRequestId("many-lines")
                                 .addAllLines(IntStream.rangeClosed(1, 10_000).mapToObj(i -> line(i, 1)).toList()).build()),
                         Code.INVALID_ARGUMENT, "lines must hold at most 100 lines, got 10000"),
                new Case("10 MB request id", s -> s.createOrder(orderRequest(line(product.getId(), 1)).toBuilder()
                                 .setRequestId(TEN_MEGABYTES).build()),
                         Code.RESOURCE_EXHAUSTED, "exceeds the maximum"),
                new Case("101-character request id", s -> s.createOrder(orderRequest(line(product.getId(), 1)).toBuilder()
                                 .setRequestId("r".repeat(101)).build()),
                         Code.INVALID_ARGUMENT, "request_id must be at most 100 characters"),
                // GetOrder, GetOrders
                new Case("largest int64 order id", s -> s.getOrder(GetOrderRequest.newBuilder().setOrderId(Long.MAX_VALUE).build()),
                         Code.NOT_FOUND, "order " + Long.MAX_VALUE + " not found"),
                new Case("smallest int64 order id", s -> s.getOrder(GetOrderRequest.newBuilder().setOrderId(Long.MIN_VALUE).build()),
                         Code.INVALID_ARGUMENT, "order_id must be a positive id"),
                new Case("10,000 ids", s -> s.getOrders(GetOrdersRequest.newBuilder()
                                 .addAllIds(LongStream.rangeClosed(1, 10_000).boxed().toList()).build()),
                         Code.INVALID_ARGUMENT, "ids must hold at most 100 ids, got 10000"),
                // ListOrders
                new Case("unknown status filter", s -> s.listOrders(ListOrdersRequest.newBuilder()
                                 .setCustomerId(customer.getId()).setStatusValue(999).build()),
                         Code.INVALID_ARGUMENT, "status is not a known OrderStatus value"),
                new Case("a products page token for orders", s -> s.listOrders(ListOrdersRequest.newBuilder()
                                 .setCustomerId(customer.getId()).setPageToken(productsPageToken).build()),
                         Code.INVALID_ARGUMENT, "page_token belongs to a different query"),
                new Case("an altered page token", s -> s.listOrders(ListOrdersRequest.newBuilder()
                                 .setCustomerId(customer.getId()).setPageToken(alteredOrdersPageToken).build()),
                         Code.INVALID_ARGUMENT, "page_token is not a token returned by this service"),
                // UpdateOrderStatus, CancelOrder
                new Case("unknown target status", s -> s.updateOrderStatus(UpdateOrderStatusRequest.newBuilder()
                                 .setOrderId(1).setStatusValue(-1).build()),
                         Code.INVALID_ARGUMENT, "status must be one of"),
                new Case("cancel an unknown order", s -> s.cancelOrder(CancelOrderRequest.newBuilder().setOrderId(Long.MAX_VALUE).build()),
                         Code.NOT_FOUND, "order " + Long.MAX_VALUE + " not found"))
                .map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void getsAClearStatus(Case hostile) {
        assertStatus(hostile.code(), hostile.message(), () -> hostile.call().apply(service.stub()));
    }

    @Test
    void sqlInjectionInTextIsStoredAsText() throws SQLException {
        String name = "Robert'); DROP TABLE customers; --";
        String email = "o'brien+\"x\"--@example.com";
        Customer created = service.stub().createCustomer(customerRequest(email, name));
        Product sku = service.stub().createProduct(productRequest().setSku("X';DELETE/**/FROM/**/products;--").setName(name).build());

        assertEquals(name, created.getName());
        assertEquals(email, created.getEmail());
        assertEquals("X';DELETE/**/FROM/**/products;--", sku.getSku());
        assertEquals(1, service.queryLong("SELECT count(*) FROM customers WHERE name = 'Robert''); DROP TABLE customers; --'"));
        // This test writes on purpose: it moves the baseline of what the other cases may not change.
        rowsBefore = rows();
    }

    /** The token with the digit of its cursor (the last id, just before the signature) changed. */
    private static String altered(String token) {
        byte[] bytes = Base64.getUrlDecoder().decode(token);
        int digit = bytes.length - 17;
        bytes[digit] = (byte) (bytes[digit] == '9' ? '8' : bytes[digit] + 1);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static long rows() throws SQLException {
        return service.queryLong("SELECT (SELECT count(*) FROM customers) + (SELECT count(*) FROM products)"
                                 + " + (SELECT count(*) FROM orders) + (SELECT count(*) FROM order_lines)");
    }

    private static CreateCustomerRequest customerRequest(String email, String name) {
        return CreateCustomerRequest.newBuilder().setEmail(email).setName(name).build();
    }

    private static CreateProductRequest.Builder productRequest() {
        return CreateProductRequest.newBuilder().setSku("HOSTILE-1").setName("Target").setPriceCents(1).setStock(1);
    }

    private static CreateOrderRequest orderRequest(OrderLineRequest line) {
        return CreateOrderRequest.newBuilder().setCustomerId(customer.getId()).setRequestId("hostile").addLines(line).build();
    }
}
