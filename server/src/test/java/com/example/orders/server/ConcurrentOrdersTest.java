package com.example.orders.server;

import static com.example.orders.server.ServiceFixture.line;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import com.example.orders.v1.CreateOrderRequest;
import com.example.orders.v1.Customer;
import com.example.orders.v1.Order;
import com.example.orders.v1.OrderLineRequest;
import com.example.orders.v1.Product;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ConcurrentOrdersTest {

    @RegisterExtension
    static final ServiceFixture service = new ServiceFixture();

    @Test
    void twentyBuyersRaceForTheLastFiveUnitsAndExactlyFiveWin() throws Exception {
        Product lastFive = service.product(1_000, 5);
        List<Customer> buyers = IntStream.range(0, 20).mapToObj(i -> service.customer()).toList();

        List<Status.Code> outcomes = race(buyers.size(), i -> service.stub().createOrder(CreateOrderRequest.newBuilder()
                .setCustomerId(buyers.get(i).getId())
                .setRequestId(UUID.randomUUID().toString())
                .addLines(line(lastFive.getId(), 1))
                .build()));

        Map<Status.Code, Long> counts = outcomes.stream().collect(Collectors.groupingBy(c -> c, Collectors.counting()));
        assertEquals(Map.of(Status.Code.OK, 5L, Status.Code.FAILED_PRECONDITION, 15L), counts);
        assertEquals(0, service.queryLong("SELECT stock FROM products WHERE id = " + lastFive.getId()));
        assertEquals(5, service.queryLong("SELECT count(*) FROM order_lines WHERE product_id = " + lastFive.getId()));
    }

    @Test
    void ordersLockingTheSameProductsInAnyLineOrderDoNotDeadlock() throws Exception {
        List<Product> products = IntStream.range(0, 6).mapToObj(i -> service.product(100, 10_000)).toList();
        Customer customer = service.customer();
        int orders = 64;

        List<Status.Code> outcomes = race(orders, i -> {
            List<OrderLineRequest> lines = new ArrayList<>(products.stream().map(p -> line(p.getId(), 1)).toList());
            Collections.shuffle(lines);
            return service.stub().createOrder(CreateOrderRequest.newBuilder()
                    .setCustomerId(customer.getId())
                    .setRequestId("shuffled-" + i)
                    .addAllLines(lines)
                    .build());
        });

        assertEquals(Collections.nCopies(orders, Status.Code.OK), outcomes);
        for (Product product : products) {
            assertEquals(10_000 - orders, stock(product));
        }
    }

    @Test
    void fiftyConcurrentRetriesOfOneRequestCreateOneOrder() throws Exception {
        Product product = service.product(100, 1_000);
        Customer customer = service.customer();
        CreateOrderRequest request = CreateOrderRequest.newBuilder()
                .setCustomerId(customer.getId())
                .setRequestId("same-for-all")
                .addLines(line(product.getId(), 3))
                .build();
        List<Long> orderIds = Collections.synchronizedList(new ArrayList<>());

        List<Status.Code> outcomes = race(50, i -> {
            Order order = service.stub().createOrder(request);
            orderIds.add(order.getId());
            return order;
        });

        assertEquals(Collections.nCopies(50, Status.Code.OK), outcomes);
        assertEquals(1, orderIds.stream().distinct().count());
        assertEquals(1_000 - 3, stock(product));
        assertEquals(1, service.queryLong("SELECT count(*) FROM orders WHERE customer_id = " + customer.getId()));
    }

    /** Runs {@code calls} calls at once, at most 32 in flight, and returns each one's status code. */
    private static List<Status.Code> race(int calls, Function<Integer, Order> call) throws Exception {
        CountDownLatch start = new CountDownLatch(1);
        try (ExecutorService pool = Executors.newFixedThreadPool(Math.min(calls, 32))) {
            List<Future<Status.Code>> results = new ArrayList<>();
            for (int i = 0; i < calls; i++) {
                int n = i;
                Callable<Status.Code> task = () -> {
                    start.await();
                    try {
                        call.apply(n);
                        return Status.Code.OK;
                    } catch (StatusRuntimeException e) {
                        return e.getStatus().getCode();
                    }
                };
                results.add(pool.submit(task));
            }
            start.countDown();
            List<Status.Code> codes = new ArrayList<>();
            for (Future<Status.Code> result : results) {
                codes.add(result.get());
            }
            return codes;
        }
    }

    private long stock(Product product) throws SQLException {
        return service.queryLong("SELECT stock FROM products WHERE id = " + product.getId());
    }
}
