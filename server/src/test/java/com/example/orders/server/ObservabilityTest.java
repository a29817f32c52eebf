package com.example.orders.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import com.example.orders.v1.GetOrderRequest;
import com.example.orders.v1.Order;

import io.grpc.StatusRuntimeException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The HTTP observe endpoints on the gRPC port, and the access log. */
class ObservabilityTest {

    @RegisterExtension
    static final ServiceFixture service = new ServiceFixture();

    private final Logger accessLog = Logger.getLogger("orders.access");
    private final List<String> accessLines = new CopyOnWriteArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            accessLines.add(record.getMessage());
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void captureAccessLog() {
        accessLog.setLevel(Level.INFO);
        accessLog.addHandler(capture);
    }

    @AfterEach
    void stopCapture() {
        accessLog.removeHandler(capture);
    }

    @Test
    void healthEndpointReportsTheDatabase() throws Exception {
        HttpResponse<String> health = get("/observe/health");

        assertEquals(200, health.statusCode());
        assertTrue(health.body().contains("\"status\":\"UP\""), health.body());
        assertTrue(health.body().contains("\"name\":\"database\""), health.body());
    }

    @Test
    void eachCallWritesOneAccessLineWithItsStatusAndStatements() {
        Order order = service.order(service.customer(), service.product(100, 5), service.product(200, 5));
        accessLines.clear();

        service.stub().getOrder(GetOrderRequest.newBuilder().setOrderId(order.getId()).build());
        assertThrows(StatusRuntimeException.class,
                () -> service.stub().getOrder(GetOrderRequest.newBuilder().setOrderId(123_456_789).build()));

        List<String> lines = List.copyOf(accessLines);
        assertEquals(2, lines.size(), lines.toString());
        assertTrue(lines.get(0).matches("GetOrder OK [0-9.]+ ms, 1 statement"), lines.get(0));
        assertTrue(lines.get(1).matches("GetOrder NOT_FOUND [0-9.]+ ms, 1 statement: order 123456789 not found"),
                   lines.get(1));
    }

    @Test
    void metricsEndpointHasCallsStatementsAndPoolInPrometheusFormat() throws Exception {
        assertThrows(StatusRuntimeException.class,
                () -> service.stub().getOrder(GetOrderRequest.newBuilder().setOrderId(987_654_321).build()));

        HttpResponse<String> metrics = get("/observe/metrics");

        assertEquals(200, metrics.statusCode());
        String body = metrics.body();
        assertTrue(body.contains("grpc_server_call_duration_seconds_bucket{grpc_method=\"orders.v1.OrderService/GetOrder\","
                                 + "grpc_status=\"NOT_FOUND\""), body);
        assertTrue(body.contains("grpc_server_call_statements_total{grpc_method=\"orders.v1.OrderService/GetOrder\","
                                 + "grpc_status=\"NOT_FOUND\""), body);
        assertTrue(body.contains("db_statement_duration_seconds_count{scope=\"application\",statement=\"GET_ORDER\""), body);
        assertTrue(body.contains("db_pool_connections_active{pool=\"primary\""), body);
        assertTrue(body.contains("db_pool_connections_pending{pool=\"primary\""), body);
        assertTrue(body.contains("service_max_concurrent_calls{scope=\"application\",} 200.0"), body);
        assertTrue(body.contains("service_calls_in_flight{"), body);
        assertTrue(body.contains("jvm_memory_used_bytes{area=\"heap\""), body);
        assertTrue(body.contains("process_cpu_usage "), body);
    }

    /**
     * Prometheus's own linter, on series of every kind of meter: OK and failed calls, statements, pool,
     * the call gate, the JVM and the process.
     */
    @Test
    void metricsPassPromtoolCheckMetrics() throws Exception {
        service.order(service.customer(), service.product(100, 5));
        assertThrows(StatusRuntimeException.class,
                () -> service.stub().getOrder(GetOrderRequest.newBuilder().setOrderId(987_654_322).build()));

        String body = get("/observe/metrics").body();
        // An empty or foreign body would pass the linter too.
        assertTrue(body.contains("grpc_server_call_duration_seconds_bucket{grpc_method=\"orders.v1.OrderService/CreateOrder\","
                                 + "grpc_status=\"OK\""), body);
        assertTrue(body.contains("grpc_server_call_duration_seconds_bucket{grpc_method=\"orders.v1.OrderService/GetOrder\","
                                 + "grpc_status=\"NOT_FOUND\""), body);
        assertTrue(body.contains("db_statement_duration_seconds_bucket{scope=\"application\",statement=\"INSERT_ORDER\""), body);
        assertTrue(body.contains("db_pool_connections_open{pool=\"primary\""), body);
        assertTrue(body.contains("jvm_gc_pause_seconds_count"), body);
        assertTrue(body.contains("process_files_open_files "), body);

        Promtool.assertNoFinding(body);
    }

    private static HttpResponse<String> get(String path) throws IOException, InterruptedException {
        try (HttpClient http = HttpClient.newHttpClient()) {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + service.server().port() + path))
                                     .header("Accept", "text/plain, application/json").build(),
                             HttpResponse.BodyHandlers.ofString());
        }
    }
}
