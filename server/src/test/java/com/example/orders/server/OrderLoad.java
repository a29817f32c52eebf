package com.example.orders.server;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import com.example.orders.v1.CreateOrderRequest;
import com.example.orders.v1.Order;
import com.example.orders.v1.OrderServiceGrpc;
import com.example.orders.v1.OrderServiceGrpc.OrderServiceBlockingStub;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ClientStreamTracer;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;

/**
 * Clients placing orders as fast as the service takes them, each with a request_id of its own, as a
 * client that must not lose an order does: the channel retries UNAVAILABLE by the retry policy the
 * README gives, and when a call still fails with UNAVAILABLE or at its deadline, whether the order
 * was placed is unknown, so the client sends the same request again (same request_id) after a pause,
 * until it is acknowledged. Keeps the ledger of every order acknowledged, and counts what failed.
 */
final class OrderLoad implements AutoCloseable {

    /** The README's retry policy for grpc-java: UNAVAILABLE is retried, up to 5 attempts in all. */
    static final Map<String, ?> RETRY_POLICY = Map.of("methodConfig", List.of(Map.of(
            "name", List.of(Map.of("service", "orders.v1.OrderService")),
            "retryPolicy", Map.of(
                    "maxAttempts", 5.0,
                    "initialBackoff", "0.1s",
                    "maxBackoff", "1s",
                    "backoffMultiplier", 2.0,
                    "retryableStatusCodes", List.of("UNAVAILABLE")))));
    private static final long MAX_PAUSE_MILLIS = 1_000;

    /** When an attempt that failed started and ended. */
    private record FailedAttempt(long startNanos, long endNanos) {
    }

    /** An acknowledged order, what was asked for, and when its call (the last try) started and ended. */
    record Acknowledged(CreateOrderRequest request, Order order, long startNanos, long endNanos) {
    }

    private final ManagedChannel channel;
    private final OrderServiceBlockingStub stub;
    private final Duration deadline;
    private final ExecutorService clients;
    private final List<Future<?>> running = new ArrayList<>();
    private final Map<String, Acknowledged> ledger = new ConcurrentHashMap<>();
    private final LongAdder failedCalls = new LongAdder();
    private final LongAdder failedAttempts = new LongAdder();
    private final Queue<FailedAttempt> failedAttemptTimes = new ConcurrentLinkedQueue<>();
    private final LongAdder deadlinesExceeded = new LongAdder();
    private final AtomicLong slowestFailureNanos = new AtomicLong();
    private final Queue<Status> unexpected = new ConcurrentLinkedQueue<>();
    private volatile boolean stopping;

    private OrderLoad(int port, int clientCount, Duration deadline) {
        this.deadline = deadline;
        this.channel = ManagedChannelBuilder.forAddress("127.0.0.1", port).usePlaintext()
                .defaultServiceConfig(RETRY_POLICY).enableRetry()
                .intercept(new CountFailedAttempts())
                .build();
        this.stub = OrderServiceGrpc.newBlockingStub(channel);
        this.clients = Executors.newFixedThreadPool(clientCount);
    }

    /**
     * {@code clientCount} clients ordering from {@code productIds} for {@code customerId}, each call
     * with {@code deadline}.
     */
    static OrderLoad start(int port, int clientCount, long customerId, List<Long> productIds, Duration deadline) {
        OrderLoad load = new OrderLoad(port, clientCount, deadline);
        for (int client = 0; client < clientCount; client++) {
            String prefix = "client" + client + "-";
            load.running.add(load.clients.submit(() -> load.placeOrders(prefix, customerId, productIds)));
        }
        return load;
    }

    private void placeOrders(String prefix, long customerId, List<Long> productIds) {
        for (int n = 0; !stopping; n++) {
            CreateOrderRequest.Builder request = CreateOrderRequest.newBuilder()
                    .setCustomerId(customerId).setRequestId(prefix + n);
            List<Long> shuffled = new ArrayList<>(productIds);
            Collections.shuffle(shuffled);
            int lines = ThreadLocalRandom.current().nextInt(1, 4);
            shuffled.subList(0, lines).forEach(id ->
                    request.addLines(ServiceFixture.line(id, ThreadLocalRandom.current().nextInt(1, 4))));
            placeUntilAcknowledged(request.build());
        }
    }

    /** Sends {@code request} until the service acknowledges it, or refuses it for a reason a retry cannot change. */
    private void placeUntilAcknowledged(CreateOrderRequest request) {
        long pauseMillis = 50;
        while (true) {
            long start = System.nanoTime();
            try {
                Order order = stub.withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS).createOrder(request);
                ledger.put(request.getRequestId(), new Acknowledged(request, order, start, System.nanoTime()));
                return;
            } catch (StatusRuntimeException e) {
                failedCalls.increment();
                slowestFailureNanos.accumulateAndGet(System.nanoTime() - start, Math::max);
                Status.Code code = e.getStatus().getCode();
                if (code == Status.Code.DEADLINE_EXCEEDED) {
                    deadlinesExceeded.increment();
                } else if (code != Status.Code.UNAVAILABLE) {
                    unexpected.add(e.getStatus());
                    return;
                }
            }
            sleep(ThreadLocalRandom.current().nextLong(pauseMillis / 2, pauseMillis + 1));
            pauseMillis = Math.min(pauseMillis * 2, MAX_PAUSE_MILLIS);
        }
    }

    /** Every order acknowledged so far. */
    Collection<Acknowledged> acknowledged() {
        return List.copyOf(ledger.values());
    }

    /**
     * The end of the first call acknowledged among those that started after the first attempt to
     * fail at {@code sinceNanos} or later, or -1 while there is none. A call that started before that
     * failure may have been acknowledged by a primary about to die.
     */
    long firstAcknowledgedAfterFailureSince(long sinceNanos) {
        long firstFailure = failedAttemptTimes.stream().mapToLong(FailedAttempt::endNanos)
                .filter(end -> end >= sinceNanos).min().orElse(Long.MAX_VALUE);
        return ledger.values().stream().filter(ack -> ack.startNanos() >= firstFailure)
                .mapToLong(Acknowledged::endNanos).min().orElse(-1);
    }

    /** Calls that failed, after the channel's own retries. */
    long failedCalls() {
        return failedCalls.sum();
    }

    /** Attempts that failed, the channel's retries included. */
    long failedAttempts() {
        return failedAttempts.sum();
    }

    /** Calls that ended at their deadline, among the failed calls. */
    long deadlinesExceeded() {
        return deadlinesExceeded.sum();
    }

    /**
     * The 99th percentile of the time taken by the acknowledged calls that were under way at some
     * point between {@code fromNanos} and {@code toNanos}, their retries and pauses included; zero if
     * there is none.
     */
    Duration p99Spanning(long fromNanos, long toNanos) {
        long[] took = ledger.values().stream()
                .filter(ack -> ack.startNanos() <= toNanos && ack.endNanos() >= fromNanos)
                .mapToLong(ack -> ack.endNanos() - ack.startNanos()).sorted().toArray();
        return took.length == 0 ? Duration.ZERO
                : Duration.ofNanos(took[Math.min(took.length - 1, (int) Math.ceil(took.length * 0.99) - 1)]);
    }

    /** The slowest call to fail, the channel's retries and their pauses included. */
    Duration slowestFailedCall() {
        return Duration.ofNanos(slowestFailureNanos.get());
    }

    /**
     * The slowest attempt to fail among those that started at {@code sinceNanos} or later: how long
     * the service took to answer that it could not serve.
     */
    Duration slowestFailedAttemptSince(long sinceNanos) {
        return Duration.ofNanos(failedAttemptTimes.stream().filter(attempt -> attempt.startNanos() >= sinceNanos)
                .mapToLong(attempt -> attempt.endNanos() - attempt.startNanos()).max().orElse(0));
    }

    /** Statuses other than UNAVAILABLE and DEADLINE_EXCEEDED, which a client would have to act on. */
    List<Status> unexpectedStatuses() {
        return List.copyOf(unexpected);
    }

    /** Stops placing new orders once each client's current order is acknowledged. */
    @Override
    public void close() throws Exception {
        stopping = true;
        try {
            for (Future<?> client : running) {
                client.get(60, TimeUnit.SECONDS);
            }
        } finally {
            clients.shutdownNow();
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Each attempt of a call is a stream: its tracer sees every attempt the retry policy makes. */
    private final class CountFailedAttempts implements ClientInterceptor {

        private final ClientStreamTracer.Factory tracers = new ClientStreamTracer.Factory() {
            @Override
            public ClientStreamTracer newClientStreamTracer(ClientStreamTracer.StreamInfo info, Metadata headers) {
                return new ClientStreamTracer() {
                    // A retry's tracer is made before its pause: the attempt starts when it sends its headers.
                    private volatile long start = System.nanoTime();

                    @Override
                    public void outboundHeaders() {
                        start = System.nanoTime();
                    }

                    @Override
                    public void streamClosed(Status status) {
                        if (!status.isOk()) {
                            failedAttempts.increment();
                            failedAttemptTimes.add(new FailedAttempt(start, System.nanoTime()));
                        }
                    }
                };
            }
        };

        @Override
        public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
            return next.newCall(method, options.withStreamTracerFactory(tracers));
        }
    }
}
