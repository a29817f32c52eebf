package com.example.orders.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import com.example.orders.v1.CreateOrderRequest;
import com.example.orders.v1.GetOrderRequest;
import com.example.orders.v1.ListOrdersRequest;
import com.example.orders.v1.OrderServiceGrpc;
import com.google.protobuf.Message;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Keeps a fixed number of calls in flight: each of {@code concurrency} slots sends a call, as the
 * async stub would, and when its answer arrives, sends the next one (a closed loop, so the latency is
 * what a caller waits at that concurrency). Answers are handled on the channel's network threads with no
 * hand-off, so that the load generator takes as little as it can of the CPU it shares with the
 * server. Calls that end during the warm-up are not measured. A progress line goes out every second.
 */
final class LoadGenerator {

    /** Reads a response without parsing it; its value is the number of bytes it had. */
    private static final MethodDescriptor.Marshaller<Object> RESPONSE_BYTES = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(Object value) {
            throw new UnsupportedOperationException("for responses only");
        }

        @Override
        public Object parse(InputStream stream) {
            long bytes = 0;
            try {
                // skip() moves past gRPC's buffers without copying them; read() tells where the end is
                while (stream.read() >= 0) {
                    bytes += 1 + stream.skip(Long.MAX_VALUE);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return bytes;
        }
    };

    private final LoadOptions options;
    private final long startNanos = System.nanoTime();
    private final long measureFromNanos;
    /** When the workers stop sending; in call-count mode, set when the last measured call ends. */
    private volatile long stopNanos;

    private final Map<Class<?>, MethodDescriptor<Message, Object>> methods;
    private final Recorder latencyNanos = new Recorder(3);
    private final LongAdder[] callsByStatus = new LongAdder[Status.Code.values().length];
    /** Of the measured calls' responses, as they came over the wire. */
    private final LongAdder responseBytes = new LongAdder();
    /** Measured calls so far, in call-count mode. */
    private final AtomicLong measuredCalls = new AtomicLong();
    /** Every call that ended, warm-up included: the progress line's rate. */
    private final LongAdder endedCalls = new LongAdder();
    /** The description of the first error of each status code, warm-up included: what went wrong. */
    private final Map<Status.Code, String> firstErrors = new ConcurrentHashMap<>();

    private LoadGenerator(LoadOptions options) {
        this.options = options;
        methods = Map.of(
                GetOrderRequest.class, method(OrderServiceGrpc.getGetOrderMethod(), options.parse()),
                CreateOrderRequest.class, method(OrderServiceGrpc.getCreateOrderMethod(), options.parse()),
                ListOrdersRequest.class, method(OrderServiceGrpc.getListOrdersMethod(), options.parse()));
        measureFromNanos = startNanos + options.warmup().toNanos();
        stopNanos = options.calls() > 0 ? Long.MAX_VALUE : measureFromNanos + options.duration().toNanos();
        for (int code = 0; code < callsByStatus.length; code++) {
            callsByStatus[code] = new LongAdder();
        }
    }

    /**
     * The channels share one {@link WritePosition}, of this run's writes: each call waits for the
     * writes of all the workers before it, as one client's calls would.
     */
    static LoadResult run(Endpoint endpoint, LoadOptions options, PrintStream progress) throws InterruptedException {
        WritePosition position = new WritePosition(OptionalLong.empty());
        List<ManagedChannel> channels = new ArrayList<>();
        for (int i = 0; i < options.channels(); i++) {
            channels.add(Targets.channelBuilder(endpoint).intercept(position).directExecutor().build());
        }
        try {
            return new LoadGenerator(options).run(endpoint.target(), channels, progress);
        } finally {
            for (ManagedChannel channel : channels) {
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        }
    }

    private LoadResult run(String target, List<ManagedChannel> channels, PrintStream progress)
            throws InterruptedException {
        ExecutorService afterErrors = Executors.newSingleThreadExecutor();
        CountDownLatch slotsDone = new CountDownLatch(options.concurrency());
        for (int slot = 0; slot < options.concurrency(); slot++) {
            new Slot(channels.get(slot % channels.size()), afterErrors, slotsDone).send();
        }

        Histogram measured = new Histogram(3);
        Histogram lastSecond = null;
        long lastTickNanos = startNanos;
        long lastEndedCalls = 0;
        while (!slotsDone.await(1, TimeUnit.SECONDS)) {
            long now = System.nanoTime();
            long ended = endedCalls.sum();
            lastSecond = latencyNanos.getIntervalHistogram(lastSecond);
            measured.add(lastSecond);
            progress.println(progressLine(now, (ended - lastEndedCalls) / ((now - lastTickNanos) / 1e9), lastSecond));
            lastTickNanos = now;
            lastEndedCalls = ended;
        }
        measured.add(latencyNanos.getIntervalHistogram());
        afterErrors.shutdown();

        Map<String, Long> statusCounts = new LinkedHashMap<>();
        Map<String, String> errors = new LinkedHashMap<>();
        for (Status.Code code : Status.Code.values()) {
            long count = callsByStatus[code.ordinal()].sum();
            if (count > 0) {
                statusCounts.put(code.name(), count);
            }
            if (firstErrors.containsKey(code)) {
                errors.put(code.name(), firstErrors.get(code));
            }
        }
        return new LoadResult(options.workload().rpc().cliName, target, options.concurrency(), channels.size(),
                              options.workload().lines(), options.warmup().toNanos() / 1e9,
                              (stopNanos - measureFromNanos) / 1e9, measured.getTotalCount(),
                              responseBytes.sum(), LoadResult.Latency.of(measured), statusCounts, errors);
    }

    /**
     * The RPC's method with its response parsed into a message, or, when not {@code parse}, a method
     * whose response is only the count of its bytes: what a call costs the load generator is then little
     * more than HTTP/2 and the status.
     */
    @SuppressWarnings("unchecked")
    private static MethodDescriptor<Message, Object> method(MethodDescriptor<? extends Message, ?> rpc, boolean parse) {
        MethodDescriptor<Message, Object> method = (MethodDescriptor<Message, Object>) rpc;
        return parse ? method : method.toBuilder(method.getRequestMarshaller(), RESPONSE_BYTES).build();
    }

    /** One call in flight at a time, one after the other, until the run stops. */
    private final class Slot {

        private final Channel channel;
        /** A call can fail inside send(); the next one then starts from here, not from within. */
        private final Executor afterErrors;
        private final CountDownLatch slotsDone;

        Slot(Channel channel, Executor afterErrors, CountDownLatch slotsDone) {
            this.channel = channel;
            this.afterErrors = afterErrors;
            this.slotsDone = slotsDone;
        }

        void send() {
            Message request = options.workload().next(ThreadLocalRandom.current());
            long sent = System.nanoTime();
            if (sent >= stopNanos) {
                slotsDone.countDown();
                return;
            }
            MethodDescriptor<Message, Object> method = methods.get(request.getClass());
            if (method == null) {
                throw new IllegalArgumentException("no load for " + request.getClass().getName());
            }
            CallOptions deadline = CallOptions.DEFAULT.withDeadlineAfter(options.deadline().toNanos(), TimeUnit.NANOSECONDS);
            ClientCalls.asyncUnaryCall(channel.newCall(method, deadline), request, answer(sent));
        }

        private StreamObserver<Object> answer(long sent) {
            return new StreamObserver<>() {
                private long bytes;

                @Override
                public void onNext(Object response) {
                    bytes = response instanceof Long counted ? counted : ((Message) response).getSerializedSize();
                }

                @Override
                public void onError(Throwable error) {
                    Status status = Status.fromThrowable(error);
                    firstErrors.putIfAbsent(status.getCode(), ErrorLine.of(status));
                    ended(sent, status.getCode(), 0);
                    afterErrors.execute(Slot.this::send);
                }

                @Override
                public void onCompleted() {
                    ended(sent, Status.Code.OK, bytes);
                    send();
                }
            };
        }
    }

    private void ended(long sent, Status.Code status, long bytes) {
        long ended = System.nanoTime();
        endedCalls.increment();
        if (ended >= measureFromNanos) {
            measure(ended - sent, ended, status, bytes);
        }
    }

    private void measure(long latency, long ended, Status.Code status, long bytes) {
        if (options.calls() > 0) {
            long count = measuredCalls.incrementAndGet();
            if (count > options.calls()) {
                return;
            }
            if (count == options.calls()) {
                stopNanos = ended;
            }
        } else if (ended >= stopNanos) {
            return;
        }
        latencyNanos.recordValue(latency);
        callsByStatus[status.ordinal()].increment();
        responseBytes.add(bytes);
    }

    private String progressLine(long now, double callsPerSecond, Histogram lastSecond) {
        String line = String.format(Locale.ROOT, "%4ds %-9s %,9.0f calls/s", TimeUnit.NANOSECONDS.toSeconds(now - startNanos),
                                    now < measureFromNanos ? "warm-up" : "measuring", callsPerSecond);
        if (lastSecond.getTotalCount() == 0) {
            return line;
        }
        long errors = 0;
        for (Status.Code code : Status.Code.values()) {
            errors += code == Status.Code.OK ? 0 : callsByStatus[code.ordinal()].sum();
        }
        return line + String.format(Locale.ROOT, "  p50 %.2f ms  p99 %.2f ms  errors %,d",
                                    lastSecond.getValueAtPercentile(50) / 1e6,
                                    lastSecond.getValueAtPercentile(99) / 1e6, errors);
    }
}
