package com.example.orders.server;

import static com.example.orders.server.ServiceFixture.line;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import com.example.orders.v1.CancelOrderRequest;
import com.example.orders.v1.CreateOrderRequest;
import com.example.orders.v1.Customer;
import com.example.orders.v1.OrderLineRequest;
import com.example.orders.v1.OrderStatus;
import com.example.orders.v1.Product;
import com.example.orders.v1.UpdateOrderStatusRequest;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * 32 tasks place, pay, ship and cancel orders at random on few, scarce products. Whatever the
 * interleaving, at the end: stock + quantities in orders not cancelled = initial stock, no stock
 * below zero, every order total = the sum of its lines, and every order has its lines.
 */
class InvariantsUnderLoadTest {

    @RegisterExtension
    static final ServiceFixture service = new ServiceFixture();

    private static final int TASKS = 32;
    private static final int STEPS_PER_TASK = 25;
    private static final int INITIAL_STOCK = 60;
    /** Besides OK, the outcomes a correct service may give under this load. */
    private static final Set<Status.Code> EXPECTED_REFUSALS = Set.of(Status.Code.FAILED_PRECONDITION);

    @Test
    void stockAndTotalsAddUpAfterRandomConcurrentWork() throws Exception {
        List<Product> products = IntStream.range(0, 6).mapToObj(i -> service.product(100 + 25L * i, INITIAL_STOCK)).toList();
        List<Customer> customers = IntStream.range(0, 8).mapToObj(i -> service.customer()).toList();
        List<Long> orders = Collections.synchronizedList(new ArrayList<>());
        Map<Status.Code, AtomicInteger> outcomes = new ConcurrentHashMap<>();

        try (ExecutorService pool = Executors.newFixedThreadPool(TASKS)) {
            List<Future<?>> tasks = new ArrayList<>();
            for (int t = 0; t < TASKS; t++) {
                Random random = new Random(t);
                tasks.add(pool.submit(() -> {
                    for (int step = 0; step < STEPS_PER_TASK; step++) {
                        Status.Code outcome = randomStep(random, products, customers, orders);
                        outcomes.computeIfAbsent(outcome, code -> new AtomicInteger()).incrementAndGet();
                    }
                }));
            }
            for (Future<?> task : tasks) {
                task.get();
            }
        }

        Set<Status.Code> unexpected = new HashSet<>(outcomes.keySet());
        unexpected.remove(Status.Code.OK);
        unexpected.removeAll(EXPECTED_REFUSALS);
        assertTrue(unexpected.isEmpty(), "unexpected outcomes " + outcomes);
        // Enough work got through, and enough was refused, for the interleavings to have mattered.
        assertTrue(outcomes.get(Status.Code.OK).get() > TASKS * STEPS_PER_TASK / 4, "successes: " + outcomes);
        assertTrue(outcomes.get(Status.Code.FAILED_PRECONDITION).get() > 0, "refusals: " + outcomes);

        for (Product product : products) {
            assertEquals(INITIAL_STOCK, service.queryLong("SELECT p.stock + coalesce(sum(l.quantity), 0)"
                    + " FROM products p LEFT JOIN (order_lines l JOIN orders o ON o.id = l.order_id"
                    + "   AND o.status <> 'CANCELLED') ON l.product_id = p.id"
                    + " WHERE p.id = " + product.getId() + " GROUP BY p.stock"), "stock of product " + product.getId());
        }
        assertEquals(0, service.queryLong("SELECT count(*) FROM products WHERE stock < 0"));
        assertEquals(0, service.queryLong("SELECT count(*) FROM orders o WHERE o.total_cents <>"
                + " (SELECT coalesce(sum(l.quantity * l.unit_price_cents), -1) FROM order_lines l WHERE l.order_id = o.id)"),
                "orders whose total is not the sum of their lines, or without lines");
    }

    /** One random action: mostly new orders, else paying, shipping or cancelling one made before. */
    private static Status.Code randomStep(Random random, List<Product> products, List<Customer> customers, List<Long> orders) {
        try {
            int dice = random.nextInt(10);
            if (dice < 5 || orders.isEmpty()) {
                orders.add(service.stub().createOrder(randomOrder(random, products, customers)).getId());
            } else {
                long orderId = orders.get(random.nextInt(orders.size()));
                if (dice < 7) {
                    service.stub().cancelOrder(CancelOrderRequest.newBuilder().setOrderId(orderId).build());
                } else {
                    OrderStatus next = dice < 9 ? OrderStatus.ORDER_STATUS_PAID : OrderStatus.ORDER_STATUS_SHIPPED;
                    service.stub().updateOrderStatus(UpdateOrderStatusRequest.newBuilder()
                            .setOrderId(orderId).setStatus(next).build());
                }
            }
            return Status.Code.OK;
        } catch (StatusRuntimeException e) {
            return e.getStatus().getCode();
        }
    }

    private static CreateOrderRequest randomOrder(Random random, List<Product> products, List<Customer> customers) {
        List<Product> shuffled = new ArrayList<>(products);
        Collections.shuffle(shuffled, random);
        List<OrderLineRequest> lines = shuffled.subList(0, 1 + random.nextInt(3)).stream()
                .map(product -> line(product.getId(), 1 + random.nextInt(3)))
                .toList();
        return CreateOrderRequest.newBuilder()
                .setCustomerId(customers.get(random.nextInt(customers.size())).getId())
                .setRequestId(Long.toHexString(random.nextLong()))
                .addAllLines(lines)
                .build();
    }
}
