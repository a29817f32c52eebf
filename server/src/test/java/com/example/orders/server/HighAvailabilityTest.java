package com.example.orders.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import com.example.orders.server.app.OrderServer;
import com.example.orders.v1.CreateCustomerRequest;
import com.example.orders.v1.CreateProductRequest;
import com.example.orders.v1.OrderServiceGrpc;
import com.example.orders.v1.OrderServiceGrpc.OrderServiceBlockingStub;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import org.junit.jupiter.api.Test;

/**
 * High availability: the service on PostgreSQL with automatic failover as deploy/ha/up starts it
 * (pg_auto_failover: a primary and a synchronous standby, on loopback ports), 16 clients placing
 * orders, and the primary dies under them ({@link HaCluster#crash}). The standby takes over, the
 * service finds it by itself, and not one acknowledged order is lost; then the old primary comes back
 * as a standby and the same happens the other way. Calls fail fast with UNAVAILABLE meanwhile (none
 * at its deadline), health says NOT_SERVING, and a second service started during the switch waits
 * for the new primary. A control run with an asynchronous standby shows what the synchronous one
 * buys. The figures go to the log, and by hand to docs/ha.md.
 *
 * <p>Slow: about 2 minutes (two formations of three nodes, three failovers), more on a busy machine.
 */
class HighAvailabilityTest {

    private static final System.Logger LOG = System.getLogger(HighAvailabilityTest.class.getName());
    private static final int CLIENTS = 16;
    private static final int PRODUCTS = 8;
    private static final int STOCK = 1_000_000;
    /** How long after the kill the service must serve calls again. */
    private static final Duration RECOVERY_LIMIT = Duration.ofSeconds(30);
    private static final Duration LOAD_BETWEEN_FAILOVERS = Duration.ofMillis(1500);
    /**
     * Slower than this, an attempt that failed must have waited for something: before calls queued
     * for a pooled connection stopped when the circuit opened, they waited out connectionTimeout, 3 s.
     */
    private static final Duration FAST_FAILURE = Duration.ofSeconds(2);

    @Test
    void aSynchronousStandbyTakesOverBothWaysAndNoAcknowledgedOrderIsLost() throws Exception {
        Run run = run(true, true);
        run.failovers().forEach(failover ->
                assertEquals(0, failover.lostSoFar(), "acknowledged orders lost in " + failover));
        assertEquals(List.of(), run.lost(), "acknowledged orders lost");
        assertNotNull(run.failovers().getFirst().secondServiceStarted(), "a second service started during the failover");
        run.assertCallsFailedFast();
    }

    /**
     * The same with a standby that commits do not wait for, failing over once: what it loses is what
     * the synchronous one buys.
     */
    @Test
    void anAsynchronousStandbyForComparison() throws Exception {
        run(false, false).assertCallsFailedFast();
    }

    /**
     * A formation, the service on it and the clients; node1 dies, and if {@code andBack}, it comes
     * back as a standby and node2 dies. Returns what the failovers cost.
     */
    private static Run run(boolean synchronous, boolean andBack) throws Exception {
        try (HaCluster cluster = HaCluster.up(synchronous);
             OrderServer server = ServiceFixture.startServer(Map.of("db.url", cluster.url()));
             HealthWatch health = new HealthWatch(server.port())) {
            Shop shop = Shop.open(server.port());
            OrderLoad load = OrderLoad.start(server.port(), CLIENTS, shop.customerId(), shop.productIds());
            List<Failover> failovers = new ArrayList<>();
            try (load) {
                Thread.sleep(LOAD_BETWEEN_FAILOVERS.toMillis());
                failovers.add(failOver(cluster, "node1", load, health, synchronous));
                if (andBack) {
                    failovers.getFirst().stopped().resume();
                    cluster.awaitStates("node1 secondary secondary, node2 primary primary", Duration.ofSeconds(60));
                    Thread.sleep(LOAD_BETWEEN_FAILOVERS.toMillis());
                    failovers.add(failOver(cluster, "node2", load, health, false));
                }
                Thread.sleep(LOAD_BETWEEN_FAILOVERS.toMillis());
            }
            // Every client's last order has been acknowledged now, however many tries it took.
            Run run = new Run(failovers, lostOrders(cluster, load), load.acknowledged().size(),
                              load.deadlinesExceeded(), load.slowestFailedCall(), load.unexpectedStatuses());
            LOG.log(Level.INFO, (synchronous ? "Synchronous" : "Asynchronous") + " standby: " + run);
            return run;
        }
    }

    /** The failovers, the acknowledged orders the primary lacks at the end, and how calls failed. */
    private record Run(List<Failover> failovers, List<OrderLoad.Acknowledged> lost, int acknowledged,
                       long deadlinesExceeded, Duration slowestFailedCall, List<Status> unexpected) {

        /**
         * Calls failed with UNAVAILABLE, none at its deadline (and so none later), and the attempts
         * sent after the kill failed fast (in about 0.1 s here).
         */
        void assertCallsFailedFast() {
            assertEquals(List.of(), unexpected, "statuses other than UNAVAILABLE");
            assertEquals(0, deadlinesExceeded, "calls that ended at their deadline");
            failovers.forEach(failover -> assertTrue(failover.slowestFailure().compareTo(FAST_FAILURE) < 0,
                                                     "attempts failed slowly in " + failover));
        }

        @Override
        public String toString() {
            return failovers.stream().map(Failover::toString).collect(Collectors.joining("; ")) + "; " + lost.size()
                   + " of " + acknowledged + " acknowledged orders lost "
                   + lost.stream().map(ack -> ack.request().getRequestId()).toList()
                   + "; the slowest call to fail (the channel's retries and pauses included) took "
                   + slowestFailedCall.toMillis() + " ms";
        }
    }

    /** What a failover cost the clients, from the kill of the old primary on. */
    private record Failover(String from, String to, Duration servedAgain, long failedCalls, long failedAttempts,
                            Duration slowestFailure, Duration notServing, Duration servingAgain,
                            Duration secondServiceStarted, int lostSoFar, HaCluster.StoppedNode stopped) {

        @Override
        public String toString() {
            return "failover " + from + " -> " + to + ": calls served again " + servedAgain.toMillis()
                   + " ms after the kill, " + failedCalls + " calls failed after the channel's retries ("
                   + failedAttempts + " attempts failed, the slowest of those sent after the kill in "
                   + slowestFailure.toMillis() + " ms), health NOT_SERVING " + notServing.toMillis() + " ms to "
                   + servingAgain.toMillis() + " ms after the kill"
                   + (secondServiceStarted == null ? ""
                      : ", a second service started then served after " + secondServiceStarted.toMillis() + " ms")
                   + ", " + lostSoFar + " acknowledged orders lost so far";
        }
    }

    /**
     * Kills the primary {@code from} mid-load, and waits until the service serves calls again on the
     * other node, with its health back to SERVING; meanwhile starts a second service if asked.
     */
    private static Failover failOver(HaCluster cluster, String from, OrderLoad load, HealthWatch health,
                                     boolean secondService) throws Exception {
        String to = from.equals("node1") ? "node2" : "node1";
        long failedCalls = load.failedCalls();
        long failedAttempts = load.failedAttempts();
        long kill = System.nanoTime();
        HaCluster.StoppedNode stopped = cluster.crash(from);
        CompletableFuture<Duration> secondStart = secondService
                ? CompletableFuture.supplyAsync(() -> startAndCall(cluster.url(), kill))
                : CompletableFuture.completedFuture(null);

        long servedAgain = await("a call acknowledged after the kill", RECOVERY_LIMIT,
                                 () -> load.firstAcknowledgedAfterFailureSince(kill));
        HealthWatch.Change notServing = health.firstSince(ServingStatus.NOT_SERVING, kill);
        assertNotNull(notServing, "health NOT_SERVING after the kill");
        long servingAgain = await("health SERVING again", Duration.ofSeconds(10), () -> {
            HealthWatch.Change serving = health.firstSince(ServingStatus.SERVING, notServing.nanos());
            return serving == null ? -1 : serving.nanos();
        });
        Duration second = secondStart.get(90, TimeUnit.SECONDS);
        assertEquals(to, cluster.primary(), "the primary after the failover");
        return new Failover(from, to, Duration.ofNanos(servedAgain - kill), load.failedCalls() - failedCalls,
                            load.failedAttempts() - failedAttempts, load.slowestFailedAttemptSince(kill),
                            Duration.ofNanos(notServing.nanos() - kill),
                            Duration.ofNanos(servingAgain - kill), second, lostOrders(cluster, load).size(), stopped);
    }

    /** A second service started mid-failover: how long after the kill it had started and answered a call. */
    private static Duration startAndCall(String url, long kill) {
        try (OrderServer second = ServiceFixture.startServer(Map.of("db.url", url))) {
            ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", second.port()).usePlaintext()
                    .defaultServiceConfig(OrderLoad.RETRY_POLICY).enableRetry().build();
            try {
                OrderServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS)
                        .createCustomer(CreateCustomerRequest.newBuilder()
                                .setEmail("second-service@example.com").setName("Second Service").build());
                return Duration.ofNanos(System.nanoTime() - kill);
            } finally {
                channel.shutdownNow();
            }
        }
    }

    /** The acknowledged orders the primary does not have; fails if what it has is inconsistent. */
    private static List<OrderLoad.Acknowledged> lostOrders(HaCluster cluster, OrderLoad load) throws Exception {
        List<OrderLoad.Acknowledged> acknowledged = List.copyOf(load.acknowledged());
        try (Connection primary = cluster.connectToPrimary()) {
            StoredOrders stored = StoredOrders.read(primary);
            stored.assertConsistent(STOCK);
            return stored.missing(acknowledged);
        }
    }

    /** Polls {@code value} every 20 ms until it is not negative, and fails after {@code timeout}. */
    private static long await(String what, Duration timeout, LongSupplier value) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (long found = value.getAsLong(); ; found = value.getAsLong()) {
            if (found >= 0) {
                return found;
            }
            assertTrue(System.nanoTime() < deadline, "no " + what + " within " + timeout);
            Thread.sleep(20);
        }
    }

    /** A customer and products for the load, made through the API. */
    private record Shop(long customerId, List<Long> productIds) {

        static Shop open(int port) throws InterruptedException {
            ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
            try {
                OrderServiceBlockingStub stub = OrderServiceGrpc.newBlockingStub(channel)
                        .withDeadlineAfter(30, TimeUnit.SECONDS);
                long customerId = stub.createCustomer(CreateCustomerRequest.newBuilder()
                        .setEmail("ha@example.com").setName("High Availability").build()).getId();
                List<Long> productIds = IntStream.range(0, PRODUCTS).mapToObj(i -> stub.createProduct(
                        CreateProductRequest.newBuilder().setSku("HA-" + i).setName("Product " + i)
                                .setPriceCents(100 + 37L * i).setStock(STOCK).build()).getId()).toList();
                return new Shop(customerId, productIds);
            } finally {
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        }
    }
}
