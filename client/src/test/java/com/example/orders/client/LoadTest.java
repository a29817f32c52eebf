package com.example.orders.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;

import com.example.orders.v1.CreateOrderRequest;
import com.example.orders.v1.GetOrderRequest;
import com.example.orders.v1.ListOrdersRequest;
import com.example.orders.v1.OrderLineRequest;
import com.google.protobuf.Message;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

/** The load command's options, requests and result; no server involved. */
class LoadTest {

    @Test
    void optionsDefaultToTheSeedsData() {
        LoadOptions options = options("load", "--rpc", "get-order");

        assertEquals(new Workload(Workload.Rpc.GET_ORDER, 10_000, 1_000, 200_000, 5), options.workload());
        assertEquals(8, options.concurrency());
        assertEquals(1, options.channels());
        assertEquals(Duration.ofSeconds(5), options.warmup());
        assertEquals(Duration.ofSeconds(20), options.duration());
        assertEquals(0, options.calls());
        assertEquals(Duration.ofSeconds(10), options.deadline());
        assertTrue(options.parse());
        assertEquals(Optional.empty(), options.json());
    }

    @Test
    void optionsAsGiven() {
        LoadOptions options = options("load", "--rpc", "create-order", "--concurrency", "32", "--channels", "4",
                "--warmup", "500ms", "--duration", "2m", "--lines", "50", "--customers", "10", "--products", "60",
                "--orders", "7", "--deadline", "3s", "--json", "out.json", "--responses", "count");

        assertEquals(new Workload(Workload.Rpc.CREATE_ORDER, 10, 60, 7, 50), options.workload());
        assertEquals(32, options.concurrency());
        assertEquals(4, options.channels());
        assertEquals(Duration.ofMillis(500), options.warmup());
        assertEquals(Duration.ofMinutes(2), options.duration());
        assertEquals(Duration.ofSeconds(3), options.deadline());
        assertFalse(options.parse());
        assertEquals(Optional.of(Path.of("out.json")), options.json());
    }

    @Test
    void aCallCountInsteadOfADuration() {
        assertEquals(1000, options("load", "--rpc", "mixed", "--calls", "1000").calls());
        assertUsage("give --duration or --calls, not both",
                "load", "--rpc", "mixed", "--calls", "1000", "--duration", "5s");
    }

    @Test
    void badOptionsAreNamed() {
        assertUsage("load needs --rpc", "load");
        assertUsage("--rpc must be get-order, create-order, list-orders or mixed, got 'get-orders'",
                "load", "--rpc", "get-orders");
        assertUsage("--duration must be a whole number and ms, s or m (such as 20s), got '20'",
                "load", "--rpc", "get-order", "--duration", "20");
        assertUsage("--concurrency must be at least 1 and --channels between 1 and --concurrency",
                "load", "--rpc", "get-order", "--concurrency", "2", "--channels", "3");
        assertUsage("--lines must be between 1 and 100 and at most --products, got 11",
                "load", "--rpc", "create-order", "--products", "10", "--lines", "11");
        assertUsage("--responses must be parse or count, got 'skip'",
                "load", "--rpc", "get-order", "--responses", "skip");
        assertUsage("load does not take --id; it takes --rpc, --concurrency, --duration, --calls, --warmup, --lines, "
                + "--channels, --deadline, --customers, --products, --orders, --json, --responses",
                "load", "--rpc", "get-order", "--id", "3");
    }

    @Test
    void requestsTargetTheSeededIds() {
        Workload workload = new Workload(Workload.Rpc.MIXED, 3, 5, 7, 5);
        Random random = new Random(42);
        Set<String> requestIds = new HashSet<>();
        Map<Class<?>, Integer> counts = new LinkedHashMap<>();
        for (int i = 0; i < 10_000; i++) {
            Message request = workload.next(random);
            counts.merge(request.getClass(), 1, Integer::sum);
            switch (request) {
                case GetOrderRequest get -> assertBetween(1, 7, get.getOrderId());
                case ListOrdersRequest list -> assertBetween(1, 3, list.getCustomerId());
                case CreateOrderRequest create -> {
                    assertBetween(1, 3, create.getCustomerId());
                    assertTrue(requestIds.add(create.getRequestId()), "request ids are fresh");
                    assertEquals(Set.of(1L, 2L, 3L, 4L, 5L), Set.copyOf(create.getLinesList().stream()
                            .map(OrderLineRequest::getProductId).toList()), "5 distinct products of 5");
                    create.getLinesList().forEach(line -> assertEquals(1, line.getQuantity()));
                }
                default -> throw new AssertionError(request);
            }
        }
        // 70/10/20, give or take
        assertBetween(6_800, 7_200, counts.get(GetOrderRequest.class));
        assertBetween(850, 1_150, counts.get(ListOrdersRequest.class));
        assertBetween(1_850, 2_150, counts.get(CreateOrderRequest.class));
    }

    @Test
    void resultAsJson() {
        Histogram nanos = new Histogram(3);
        for (int millis = 1; millis <= 100; millis++) {
            nanos.recordValue(millis * 1_000_000L);
        }
        LoadResult result = new LoadResult("get-order", "localhost:8080", 8, 1, 5, 5, 10, 100, 4200,
                LoadResult.Latency.of(nanos), Map.of("UNAVAILABLE", 100L),
                Map.of("UNAVAILABLE", "Abrupt \"GOAWAY\""));

        assertEquals("""
                {
                  "rpc": "get-order",
                  "target": "localhost:8080",
                  "concurrency": 8,
                  "channels": 1,
                  "lines": 5,
                  "warmupSeconds": 5.000,
                  "seconds": 10.000,
                  "calls": 100,
                  "callsPerSecond": 10.0,
                  "responseBytes": 4200,
                  "latencyMs": {"p50": 50.004, "p90": 90.046, "p99": 99.025, "p99.9": 100.008, "max": 100.008, "mean": 50.499},
                  "statusCounts": {"UNAVAILABLE": 100},
                  "firstErrors": {"UNAVAILABLE": "Abrupt \\"GOAWAY\\""}
                }
                """, result.toJson());
    }

    private static LoadOptions options(String... argv) {
        CliArgs args = CliArgs.parse(argv);
        OrdersCli.checkCommand(args);
        return LoadOptions.from(args);
    }

    private static void assertBetween(long low, long high, long value) {
        assertTrue(value >= low && value <= high, value + " is not between " + low + " and " + high);
    }

    private static void assertUsage(String message, String... argv) {
        UsageException e = assertThrows(UsageException.class, () -> options(argv));
        assertEquals(message, e.getMessage());
    }
}
