package com.example.orders.client;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;

import com.example.orders.v1.CreateOrderRequest;
import com.example.orders.v1.CreateProductRequest;
import com.example.orders.v1.CustomerSummary;
import com.example.orders.v1.ExportOrdersRequest;
import com.example.orders.v1.GetOrdersRequest;
import com.example.orders.v1.ListOrdersRequest;
import com.example.orders.v1.ListProductsRequest;
import com.example.orders.v1.Order;
import com.example.orders.v1.OrderLineRequest;
import com.example.orders.v1.OrderStatus;
import com.example.orders.v1.UpdateOrderStatusRequest;
import com.example.orders.v1.WatchOrderEventsRequest;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Timestamp;
import com.google.protobuf.util.JsonFormat;
import org.junit.jupiter.api.Test;

/** Turning command lines into requests; no server involved. */
class OrdersCliTest {

    @Test
    void createProduct() {
        assertEquals(
                CreateProductRequest.newBuilder()
                        .setSku("MUG-1").setName("Mug").setPriceCents(1250).setStock(40).build(),
                request("create-product", "--sku", "MUG-1", "--name", "Mug", "--price-cents", "1250", "--stock", "40"));
    }

    @Test
    void createOrderWithLines() {
        assertEquals(
                CreateOrderRequest.newBuilder()
                        .setCustomerId(1)
                        .setRequestId("r-1")
                        .addLines(OrderLineRequest.newBuilder().setProductId(10).setQuantity(2))
                        .addLines(OrderLineRequest.newBuilder().setProductId(11).setQuantity(1))
                        .build(),
                request("create-order", "--customer-id", "1", "--request-id", "r-1",
                        "--line", "10:2", "--line", "11:1"));
    }

    @Test
    void createOrderGeneratesARequestId() {
        CreateOrderRequest request = (CreateOrderRequest) request("create-order", "--customer-id", "1", "--line", "10:2");

        assertDoesNotThrow(() -> UUID.fromString(request.getRequestId()));
    }

    @Test
    void createOrderNeedsWellFormedLines() {
        for (String line : List.of("10", "10:", ":2", "10:2:3", "ten:2", "10:two")) {
            assertUsage("--line must be PRODUCT_ID:QTY, got '" + line + "'",
                    "create-order", "--customer-id", "1", "--request-id", "r", "--line", line);
        }
        assertUsage("create-order needs at least one --line", "create-order", "--customer-id", "1");
    }

    @Test
    void listsDefaultToTheServersPageSize() {
        assertEquals(ListProductsRequest.getDefaultInstance(), request("list-products"));
        assertEquals(
                ListProductsRequest.newBuilder().setPageSize(5).setPageToken("abc").build(),
                request("list-products", "--page-size", "5", "--page-token", "abc"));
    }

    @Test
    void listOrdersByStatusIgnoringCase() {
        assertEquals(
                ListOrdersRequest.newBuilder().setCustomerId(4).setStatus(OrderStatus.ORDER_STATUS_SHIPPED).build(),
                request("list-orders", "--customer-id", "4", "--status", "shipped"));
        assertEquals(
                ListOrdersRequest.newBuilder().setCustomerId(4).build(),
                request("list-orders", "--customer-id", "4"));
    }

    @Test
    void unknownStatusIsRejected() {
        assertUsage("--status must be PENDING, PAID, SHIPPED or CANCELLED, got 'UNSPECIFIED'",
                "update-status", "--id", "1", "--status", "UNSPECIFIED");
    }

    @Test
    void updateStatus() {
        assertEquals(
                UpdateOrderStatusRequest.newBuilder().setOrderId(9).setStatus(OrderStatus.ORDER_STATUS_PAID).build(),
                request("update-status", "--id", "9", "--status", "PAID"));
    }

    @Test
    void getOrdersKeepsIdsInOrder() {
        assertEquals(
                GetOrdersRequest.newBuilder().addAllIds(List.of(3L, 1L, 3L)).build(),
                request("get-orders", "--id", "3", "--id", "1", "--id", "3"));
    }

    @Test
    void exportOrdersWithEveryFilter() {
        assertEquals(
                ExportOrdersRequest.newBuilder()
                        .setCustomerId(4)
                        .setStatus(OrderStatus.ORDER_STATUS_PAID)
                        .setCreatedAfter(Timestamp.newBuilder().setSeconds(1_769_854_530).setNanos(500_000_000))
                        .build(),
                request("export-orders", "--customer-id", "4", "--status", "paid",
                        "--created-after", "2026-01-31T10:15:30.5Z"));
    }

    @Test
    void exportOrdersWithoutFiltersExportsEverything() {
        assertEquals(ExportOrdersRequest.getDefaultInstance(), request("export-orders"));
    }

    @Test
    void exportOrdersTakesTimesWithAnOffset() {
        assertEquals(
                ExportOrdersRequest.newBuilder().setCreatedAfter(Timestamp.newBuilder().setSeconds(1_769_853_600)).build(),
                request("export-orders", "--created-after", "2026-01-31T12:00:00+02:00"));
    }

    @Test
    void exportOrdersNeedsAnIsoTime() {
        assertUsage("--created-after must be an ISO-8601 time such as 2026-01-31T00:00:00Z, got '2026-01-31'",
                "export-orders", "--created-after", "2026-01-31");
    }

    @Test
    void exportedOrdersArePrintedOnePerLine() throws InvalidProtocolBufferException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        List<Order> orders = List.of(
                Order.newBuilder().setId(1).setCustomer(CustomerSummary.newBuilder().setId(7).setName("Ada")).build(),
                Order.newBuilder().setId(2).setStatus(OrderStatus.ORDER_STATUS_PAID).build());

        OrdersCli.printJsonLines(orders.iterator(), new PrintStream(out, true, StandardCharsets.UTF_8));

        List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
        assertEquals(2, lines.size());
        assertEquals(orders.get(0), parse(lines.get(0)));
        assertEquals(orders.get(1), parse(lines.get(1)));
    }

    @Test
    void watchEventsWithoutAfterEventIdAsksForNewEventsOnly() {
        WatchOrderEventsRequest request = (WatchOrderEventsRequest) request("watch-events", "--customer-id", "4");
        assertEquals(4, request.getCustomerId());
        assertFalse(request.hasAfterEventId());
    }

    @Test
    void watchEventsAfterZeroReplaysEverything() {
        WatchOrderEventsRequest request = (WatchOrderEventsRequest) request("watch-events", "--after-event-id", "0");
        assertTrue(request.hasAfterEventId());
        assertEquals(0, request.getAfterEventId());
    }

    @Test
    void optionsOfOtherCommandsAreRejected() {
        assertUsage("get-order does not take --customer-id; it takes --id", "get-order", "--id", "1", "--customer-id", "2");
    }

    @Test
    void aWrongOptionIsNamedRatherThanTheOneMissing() {
        assertUsage("get-order does not take --order-id; it takes --id", "get-order", "--order-id", "1");
    }

    @Test
    void unknownCommandIsRejected() {
        assertUsage("unknown command 'delete-order'", "delete-order", "--id", "1");
    }

    private static Order parse(String json) throws InvalidProtocolBufferException {
        Order.Builder order = Order.newBuilder();
        JsonFormat.parser().merge(json, order);
        return order.build();
    }

    private static Message request(String... argv) {
        CliArgs args = CliArgs.parse(argv);
        OrdersCli.checkCommand(args);
        return OrdersCli.toRequest(args);
    }

    private static void assertUsage(String message, String... argv) {
        UsageException e = assertThrows(UsageException.class, () -> request(argv));
        assertEquals(message, e.getMessage());
    }
}
