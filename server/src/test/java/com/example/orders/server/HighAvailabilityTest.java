package com.example.orders.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

import com.example.orders.server.app.OrderServer;
import com.example.orders.v1.CreateCustomerRequest;
import com.example.orders.v1.CreateProductRequest;
import com.example.orders.v1.OrderServiceGrpc;
import com.example.orders.v1.OrderServiceGrpc.OrderServiceBlockingStub;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import org.junit.jupiter.api.Test;

/**
 * High availability: the service on PostgreSQL with automatic failover as deploy/ha/up starts it
 * (pg_auto_failover: a primary and a synchronous standby, on loopback ports), 16 clients placing
 * orders with the retry policy docs/api.md gives and a 30 s deadline, and the primary dies under them
 * ({@link HaCluster#crash}: killed, or stopped at once). The standby takes over, the service finds it
 * by itself, and no call fails and not one acknowledged order is lost: the calls that arrive during
 * the switch wait for the new primary, and the few in flight at the crash fail with UNAVAILABLE and
 * are retried by the channel. Then the old primary comes back as a standby and the same happens the
 * other way. Health says NOT_SERVING meanwhile, and that calls wait for the new primary; a second
 * service started during the switch waits for it too. A control run with an asynchronous standby
 * shows what the synchronous one buys. The figures go to the log, and by hand to docs/ha.md.
 *
 * <p>Slow: about 3 minutes (three formations of three nodes, five failovers), more on a busy machine.
 */
class HighAvailabilityTest {

    private static final System.Logger LOG = System.getLogger(HighAvailabilityTest.class.getName());
    private static final int CLIENTS = 16;
    private static final int PRODUCTS = 8;
    private static final int STOCK = 1_000_000;
    /** How long after the kill the service must serve calls again. */
    private static final Duration RECOVERY_LIMIT = Duration.ofSeconds(30);
    private static final Duration LOAD_BETWEEN_FAILOVERS = Duration.ofMillis(1500);
    /** Longer than a failover: a client that sets it sees none fail. */
    private static final Duration DEADLINE = Duration.ofSeconds(30);
    private static final Pattern FAILOVER_IN_PROGRESS =
            Pattern.compile("(?m)^db_failover_in_progress(\\{[^}]*})? ([0-9]+)(\\.0)?$");
    /**
     * Slower than this, an attempt that failed must have waited for something: before calls queued
     * for a pooled connection stopped when the circuit opened, they waited out connectionTimeout, 3 s.
     */
    private static final Duration FAST_FAILURE = Duration.ofSeconds(2);

    @Test
    void aSynchronousStandbyTakesOverBothWaysWhenThePrimaryIsKilledAndNoCallFails() throws Exception {
        run(true, true, HaCluster.Crash.KILL).assertNothingLostAndNoCallFailed(true);
    }

    @Test
    void aSynchronousStandbyTakesOverBothWaysWhenThePrimaryStopsAtOnceAndNoCallFails() throws Exception {
        run(true, true, HaCluster.Crash.IMMEDIATE_STOP).assertNothingLostAndNoCallFailed(false);
    }

    /**
     * The same with a standby that commits do not wait for, failing over once: what it loses is what
     * the synchronous one buys.
     */
    @Test
    void anAsynchronousStandbyForComparison() throws Exception {
        run(false, false, HaCluster.Crash.KILL).assertCallsFailedFast();
    }

    /**
     * A formation, the service on it and the clients; node1 dies {@code how}, and if {@code andBack},
     * it comes back as a standby and node2 dies the same way. Returns what the failovers cost.
     */
    private static Run run(boolean synchronous, boolean andBack, HaCluster.Crash how) throws Exception {
        try (HaCluster cluster = HaCluster.up(synchronous);
             OrderServer server = ServiceFixture.startServer(Map.of("db.url", cluster.url()));
             HealthWatch health = new HealthWatch(server.port())) {
            Shop shop = Shop.open(server.port());
            OrderLoad load = OrderLoad.start(server.port(), CLIENTS, shop.customerId(), shop.productIds(), DEADLINE);
            List<Failover> failovers = new ArrayList<>();
            try (load) {
                Thread.sleep(LOAD_BETWEEN_FAILOVERS.toMillis());
                failovers.add(failOver(cluster, "node1", how, load, health, server.port(), synchronous));
                if (andBack) {
                    failovers.getFirst().stopped().resume();
                    cluster.awaitStates("node1 secondary secondary, node2 primary primary", Duration.ofSeconds(60));
                    Thread.sleep(LOAD_BETWEEN_FAILOVERS.toMillis());
                    failovers.add(failOver(cluster, "node2", how, load, health, server.port(), false));
                }
                Thread.sleep(LOAD_BETWEEN_FAILOVERS.toMillis());
            }
            // Every client's last order has been acknowledged now, however many tries it took.
            Run run = new Run(failovers, lostOrders(cluster, load), load.acknowledged().size(),
                              load.deadlinesExceeded(), load.slowestFailedCall(), load.unexpectedStatuses());
            LOG.log(Level.INFO, (synchronous ? "Synchronous" : "Asynchronous") + " standby, primary crashed " + how
                                + ": " + run);
            return run;
        }
    }

    /** The failovers, the acknowledged orders the primary lacks at the end, and how calls failed. */
    private record Run(List<Failover> failovers, List<OrderLoad.Acknowledged> lost, int acknowledged,
                       long deadlinesExceeded, Duration slowestFailedCall, List<Status> unexpected) {

        /**
         * No acknowledged order lost, no call failed after the channel's retries (its attempts failed
         * fast with UNAVAILABLE, and only those under way at the crash), the metrics told of the
         * failover while it was under way (a call with a short deadline then failed at once) and health
         * how long it took after; with {@code secondService}, a second
         * service started during the failover served once it was over.
         */
        void assertNothingLostAndNoCallFailed(boolean secondService) {
            failovers.forEach(failover ->
                    assertEquals(0, failover.lostSoFar(), "acknowledged orders lost in " + failover));
            assertEquals(List.of(), lost, "acknowledged orders lost");
            failovers.forEach(failover -> assertEquals(0, failover.failedCalls(), "calls failed in " + failover));
            failovers.forEach(failover -> {
                assertNotNull(failover.shortCall(), "the metrics told of " + failover);
                assertEquals(Status.Code.UNAVAILABLE, failover.shortCall().status().getCode(),
                             "a call with a 1 s deadline during " + failover);
                assertTrue(failover.shortCall().took().compareTo(Duration.ofMillis(500)) < 0,
                           "a call with a 1 s deadline fails at once, not at its deadline: " + failover.shortCall());
            });
            assertTrue(failovers.getLast().healthAfter().contains("\"lastFailoverSeconds\""), failovers.getLast().healthAfter());
            if (secondService) {
                assertNotNull(failovers.getFirst().secondServiceStarted(), "a second service started during the failover");
            }
            assertCallsFailedFast();
        }

        /**
         * Calls failed with UNAVAILABLE, none at its deadline (and so none later), and the attempts
         * that failed after the crash failed fast (in about 0.1 s here).
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

    /** What a failover cost the clients, from the crash of the old primary on. */
    private record Failover(String from, String to, Duration servedAgain, long failedCalls, long failedAttempts,
                            Duration slowestFailure, Duration p99Spanning, Duration notServing, Duration servingAgain,
                            ShortCall shortCall, String healthAfter, Duration secondServiceStarted, int lostSoFar,
                            HaCluster.StoppedNode stopped) {

        @Override
        public String toString() {
            return "failover " + from + " -> " + to + ": calls served again " + servedAgain.toMillis()
                   + " ms after the crash, " + failedCalls + " calls failed after the channel's retries ("
                   + failedAttempts + " attempts failed, the slowest of those sent after the crash in "
                   + slowestFailure.toMillis() + " ms), p99 of the calls under way then " + p99Spanning.toMillis()
                   + " ms, health NOT_SERVING " + notServing.toMillis() + " ms to "
                   + servingAgain.toMillis() + " ms after the crash"
                   + (secondServiceStarted == null ? ""
                      : ", a second service started then served after " + secondServiceStarted.toMillis() + " ms")
                   + ", " + lostSoFar + " acknowledged orders lost so far";
        }
    }

    /**
     * Crashes the primary {@code from} mid-load, and waits until the service serves calls again on the
     * other node, with its health back to SERVING; meanwhile watches /observe/health for the failover,
     * and starts a second service if asked.
     */
    private static Failover failOver(HaCluster cluster, String from, HaCluster.Crash how, OrderLoad load,
                                     HealthWatch health, int port, boolean secondService) throws Exception {
        String to = from.equals("node1") ? "node2" : "node1";
        long failedCalls = load.failedCalls();
        long failedAttempts = load.failedAttempts();
        long kill = System.nanoTime();
        HaCluster.StoppedNode stopped = cluster.crash(from, how);
        CompletableFuture<ShortCall> duringFailover = CompletableFuture.supplyAsync(() -> duringFailover(port));
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
                            load.p99Spanning(kill, servedAgain), Duration.ofNanos(notServing.nanos() - kill),
                            Duration.ofNanos(servingAgain - kill), duringFailover.get(60, TimeUnit.SECONDS),
                            health(port), second, lostOrders(cluster, load).size(), stopped);
    }

    /**
     * Once the metrics say a failover is under way (db_failover_in_progress 1, asked every 50 ms for up
     * to 30 s; not /observe/health, whose every answer costs a connection to the database), a call
     * with a deadline of 1 s: shorter than the failover is expected to take, so not worth waiting for.
     * Null if the metrics never said so.
     */
    private static ShortCall duringFailover(int port) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        Set<String> seen = new TreeSet<>();
        try (HttpClient http = HttpClient.newHttpClient()) {
            while (true) {
                Matcher metric = FAILOVER_IN_PROGRESS.matcher(get(http, port, "/observe/metrics"));
                String value = metric.find() ? metric.group(2) : "none";
                if (value.equals("1")) {
                    break;
                }
                seen.add(value);
                if (System.nanoTime() > deadline) {
                    LOG.log(Level.WARNING, "db_failover_in_progress was never 1 in 30 s, only " + seen);
                    return null;
                }
                Thread.sleep(50);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
        ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
        long start = System.nanoTime();
        try {
            OrderServiceGrpc.newBlockingStub(channel).withDeadlineAfter(1, TimeUnit.SECONDS)
                    .createCustomer(CreateCustomerRequest.newBuilder().setEmail("short-deadline@example.com")
                                            .setName("In A Hurry").build());
            return new ShortCall(Status.OK, Duration.ofNanos(System.nanoTime() - start));
        } catch (StatusRuntimeException e) {
            return new ShortCall(e.getStatus(), Duration.ofNanos(System.nanoTime() - start));
        } finally {
            channel.shutdownNow();
        }
    }

    /** How a call with a short deadline, made while the metrics told of the failover, ended. */
    private record ShortCall(Status status, Duration took) {
    }

    private static String health(int port) {
        try (HttpClient http = HttpClient.newHttpClient()) {
            return get(http, port, "/observe/health");
        }
    }

    /** The body of a GET of {@code path}, or "" when it fails. */
    private static String get(HttpClient http, int port, String path) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                                     .header("Accept", path.endsWith("metrics") ? "text/plain" : "application/json")
                                     .build(),
                             HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    /**
     * A second service, its own JVM, started mid-failover: how long after the kill it had started and
     * answered a call. Not one in this JVM: the metrics registry is the JVM's, and a second server
     * closing here would take the first's meters with it.
     */
    private static Duration startAndCall(String url, long kill) {
        try (ServerProcess second = ServerProcess.start(Map.of("db.url", url))) {
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
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
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
