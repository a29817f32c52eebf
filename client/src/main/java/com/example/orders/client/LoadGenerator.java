package com.example.orders.client;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.random.RandomGenerator;

import com.example.orders.v1.OrderServiceGrpc;
import com.example.orders.v1.OrderServiceGrpc.OrderServiceBlockingStub;
import com.google.protobuf.Message;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Keeps a fixed number of calls in flight: each worker, a virtual thread, sends a call on the
 * blocking stub and sends the next one as soon as it has the answer (a closed loop, so the latency
 * is what a caller waits at that concurrency). Calls that end during the warm-up are not measured.
 * A progress line goes out every second.
 */
final class LoadGenerator {

    private final LoadOptions options;
    private final long startNanos = System.nanoTime();
    private final long measureFromNanos;
    /** When the workers stop sending; in call-count mode, set when the last measured call ends. */
    private volatile long stopNanos;

    private final Recorder latencyNanos = new Recorder(3);
    private final LongAdder[] callsByStatus = new LongAdder[Status.Code.values().length];
    /** Measured calls so far, in call-count mode. */
    private final AtomicLong measuredCalls = new AtomicLong();
    /** Every call that ended, warm-up included: the progress line's rate. */
    private final LongAdder endedCalls = new LongAdder();
    /** The description of the first error of each status code, warm-up included: what went wrong. */
    private final Map<Status.Code, String> firstErrors = new ConcurrentHashMap<>();

    private LoadGenerator(LoadOptions options) {
        this.options = options;
        measureFromNanos = startNanos + options.warmup().toNanos();
        stopNanos = options.calls() > 0 ? Long.MAX_VALUE : measureFromNanos + options.duration().toNanos();
        for (int code = 0; code < callsByStatus.length; code++) {
            callsByStatus[code] = new LongAdder();
        }
    }

    static LoadResult run(String target, LoadOptions options, PrintStream progress) throws InterruptedException {
        List<ManagedChannel> channels = new ArrayList<>();
        for (int i = 0; i < options.channels(); i++) {
            channels.add(ManagedChannelBuilder.forTarget(target).usePlaintext().build());
        }
        try {
            return new LoadGenerator(options).run(target, channels, progress);
        } finally {
            for (ManagedChannel channel : channels) {
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        }
    }

    private LoadResult run(String target, List<ManagedChannel> channels, PrintStream progress)
            throws InterruptedException {
        CountDownLatch workersDone = new CountDownLatch(options.concurrency());
        for (int worker = 0; worker < options.concurrency(); worker++) {
            OrderServiceBlockingStub stub = OrderServiceGrpc.newBlockingStub(channels.get(worker % channels.size()));
            Thread.ofVirtual().name("load-", worker).start(() -> {
                try {
                    work(stub);
                } finally {
                    workersDone.countDown();
                }
            });
        }

        Histogram measured = new Histogram(3);
        Histogram lastSecond = null;
        long lastTickNanos = startNanos;
        long lastEndedCalls = 0;
        while (!workersDone.await(1, TimeUnit.SECONDS)) {
            long now = System.nanoTime();
            long ended = endedCalls.sum();
            lastSecond = latencyNanos.getIntervalHistogram(lastSecond);
            measured.add(lastSecond);
            progress.println(progressLine(now, (ended - lastEndedCalls) / ((now - lastTickNanos) / 1e9), lastSecond));
            lastTickNanos = now;
            lastEndedCalls = ended;
        }
        measured.add(latencyNanos.getIntervalHistogram());

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
                              LoadResult.Latency.of(measured), statusCounts, errors);
    }

    private void work(OrderServiceBlockingStub stub) {
        RandomGenerator random = ThreadLocalRandom.current();
        while (true) {
            Message request = options.workload().next(random);
            long sent = System.nanoTime();
            if (sent >= stopNanos) {
                return;
            }
            Status.Code status = Status.Code.OK;
            try {
                OrdersCli.call(stub.withDeadlineAfter(options.deadline().toNanos(), TimeUnit.NANOSECONDS), request);
            } catch (StatusRuntimeException e) {
                status = e.getStatus().getCode();
                firstErrors.putIfAbsent(status, String.valueOf(e.getStatus().getDescription()));
            }
            long ended = System.nanoTime();
            endedCalls.increment();
            if (ended >= measureFromNanos) {
                measure(ended - sent, ended, status);
            }
        }
    }

    private void measure(long latency, long ended, Status.Code status) {
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
