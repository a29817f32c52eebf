package com.example.orders.server;

import static com.example.orders.server.ServiceFixture.line;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import com.example.orders.server.OtlpReceiver.ExportedSpan;
import com.example.orders.v1.CreateCustomerRequest;
import com.example.orders.v1.CreateOrderRequest;
import com.example.orders.v1.CreateProductRequest;
import com.example.orders.v1.Customer;
import com.example.orders.v1.GetOrderRequest;
import com.example.orders.v1.Order;
import com.example.orders.v1.OrderServiceGrpc;
import com.example.orders.v1.OrderServiceGrpc.OrderServiceBlockingStub;
import com.example.orders.v1.Product;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Traces, as an operator sets them up: a server process with OTEL_EXPORTER_OTLP_ENDPOINT naming an
 * OTLP/HTTP receiver the test runs. A call that carries a W3C traceparent is traced under the
 * caller's span, its SQL statements under its own, and its access line names the trace.
 */
class TracingTest {

    @RegisterExtension
    static final ServiceFixture service = new ServiceFixture();

    private static final Duration EXPORTED_WITHIN = Duration.ofSeconds(15);

    @Test
    void aCallIsTracedUnderItsCallerWithItsStatementsAndItsAccessLineNamesTheTrace() throws Exception {
        try (OtlpReceiver receiver = OtlpReceiver.start();
             ServerProcess server = ServerProcess.start(Map.of("db.url", service.schemaUrl()),
                     Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", receiver.endpoint(),
                            "OTEL_SERVICE_NAME", "orders-under-test",
                            "OTEL_BSP_SCHEDULE_DELAY", "100"),
                     ServerProcess.withAccessLog())) {
            ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
            try {
                String email = "traced-" + ThreadLocalRandom.current().nextInt(1_000_000) + "@example.com";
                Caller createCustomer = new Caller();
                Customer customer = createCustomer.stub(channel).createCustomer(CreateCustomerRequest.newBuilder()
                        .setEmail(email).setName("Trace Able").build());
                OrderServiceBlockingStub untraced = OrderServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
                Product product = untraced.createProduct(CreateProductRequest.newBuilder()
                        .setSku("TRACE-1").setName("Traced").setPriceCents(100).setStock(5).build());
                Order order = untraced.createOrder(CreateOrderRequest.newBuilder()
                        .setCustomerId(customer.getId()).setRequestId("traced").addLines(line(product.getId(), 1)).build());

                Caller getOrder = new Caller();
                getOrder.stub(channel).getOrder(GetOrderRequest.newBuilder().setOrderId(order.getId()).build());
                Caller missing = new Caller();
                assertThrows(StatusRuntimeException.class, () -> missing.stub(channel)
                        .getOrder(GetOrderRequest.newBuilder().setOrderId(987_654_321).build()));

                List<ExportedSpan> trace = receiver.awaitTrace(getOrder.traceId, 2, EXPORTED_WITHIN);
                assertEquals(2, trace.size(), trace::toString);
                ExportedSpan call = only(trace, span -> span.kind() == 2);
                assertEquals("orders.v1.OrderService/GetOrder", call.name());
                assertEquals(getOrder.spanId, call.parentSpanId(), "the caller's span is the call's parent");
                assertEquals(Map.of("rpc.system", "grpc", "rpc.service", "orders.v1.OrderService",
                                    "rpc.method", "GetOrder", "rpc.grpc.status_code", 0L), call.attributes());
                assertEquals("orders-under-test", call.resource().get("service.name"));
                ExportedSpan statement = only(trace, span -> span.kind() == 3);
                assertEquals("GET_ORDER", statement.name());
                assertEquals(call.spanId(), statement.parentSpanId(), "the statement's span is the call's child");
                assertEquals(Map.of("db.system", "postgresql"), statement.attributes());

                ExportedSpan notFound = only(receiver.awaitTrace(missing.traceId, 2, EXPORTED_WITHIN), span -> span.kind() == 2);
                assertEquals(5L, notFound.attributes().get("rpc.grpc.status_code"), "NOT_FOUND");

                List<ExportedSpan> insert = receiver.awaitTrace(createCustomer.traceId, 2, EXPORTED_WITHIN);
                assertEquals(List.of("INSERT_CUSTOMER", "orders.v1.OrderService/CreateCustomer"),
                             insert.stream().map(ExportedSpan::name).sorted().toList());
                assertTrue(insert.stream().flatMap(span -> span.attributes().values().stream())
                                   .noneMatch(value -> value.toString().contains(email) || value.toString().contains("Trace Able")),
                           "no parameter value in a span: " + insert);

                String accessLine = awaitLine(server, "GetOrder OK ");
                assertTrue(accessLine.matches(".*\\[orders.access] GetOrder OK [0-9.]+ ms, 1 statement, trace "
                                              + getOrder.traceId), accessLine);
                assertTrue(awaitLine(server, "GetOrder NOT_FOUND ").endsWith(
                        " ms, 1 statement, trace " + missing.traceId + ": order 987654321 not found"));
            } finally {
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void jsonLinesCarryTheCallsFieldsAndTraceId() throws Exception {
        try (OtlpReceiver receiver = OtlpReceiver.start();
             ServerProcess server = ServerProcess.start(Map.of("db.url", service.schemaUrl()),
                     Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", receiver.endpoint(), "LOG_FORMAT", "json"),
                     ServerProcess.withAccessLog())) {
            ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
            try {
                Caller caller = new Caller();
                assertThrows(StatusRuntimeException.class, () -> caller.stub(channel)
                        .getOrder(GetOrderRequest.newBuilder().setOrderId(987_654_322).build()));

                String accessLine = awaitLine(server, "\"logger\":\"orders.access\"");
                assertTrue(accessLine.matches("\\{\"time\":\"[0-9T:.-]+Z\",\"level\":\"INFO\",\"logger\":\"orders.access\","
                        + "\"message\":\"GetOrder NOT_FOUND [0-9.]+ ms, 1 statement, trace " + caller.traceId
                        + ": order 987654322 not found\",\"method\":\"orders.v1.OrderService/GetOrder\","
                        + "\"status\":\"NOT_FOUND\",\"duration_ms\":[0-9]+\\.[0-9]{2},\"statements\":1,"
                        + "\"trace_id\":\"" + caller.traceId + "\"}"), accessLine);
                assertTrue(server.output().lines().allMatch(line -> line.startsWith("{\"time\":")
                                                               || line.startsWith("WARNING: ")), // the JVM's own
                           server.output());
            } finally {
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        }
    }

    /** A caller's span: its calls carry a W3C traceparent naming it, sampled. */
    private static final class Caller {

        final String traceId = randomHex(16);
        final String spanId = randomHex(8);

        OrderServiceBlockingStub stub(ManagedChannel channel) {
            Metadata headers = new Metadata();
            headers.put(Metadata.Key.of("traceparent", Metadata.ASCII_STRING_MARSHALLER),
                        "00-" + traceId + "-" + spanId + "-01");
            return OrderServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS)
                    .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
        }

        private static String randomHex(int bytes) {
            byte[] random = new byte[bytes];
            ThreadLocalRandom.current().nextBytes(random);
            return HexFormat.of().formatHex(random);
        }
    }

    private static ExportedSpan only(List<ExportedSpan> spans, Predicate<ExportedSpan> which) {
        List<ExportedSpan> matching = spans.stream().filter(which).toList();
        assertEquals(1, matching.size(), spans::toString);
        return matching.getFirst();
    }

    /** The first line of the server's output that contains {@code text}, waiting for the log's writer. */
    private static String awaitLine(ServerProcess server, String text) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            List<String> lines = server.output().lines().filter(line -> line.contains(text)).toList();
            if (!lines.isEmpty() || System.nanoTime() > deadline) {
                assertEquals(1, lines.size(), () -> text + " in:\n" + server.output());
                return lines.getFirst();
            }
            Thread.sleep(20);
        }
    }
}
