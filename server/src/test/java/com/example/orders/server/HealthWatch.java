package com.example.orders.server;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import com.example.orders.v1.OrderServiceGrpc;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;

/** Asks a service's gRPC health for the OrderService every 20 ms, and keeps each change with its time. */
final class HealthWatch implements AutoCloseable {

    record Change(ServingStatus status, long nanos) {
    }

    private final ManagedChannel channel;
    private final List<Change> changes = new CopyOnWriteArrayList<>();
    private final Thread watcher;
    private volatile boolean stopped;

    HealthWatch(int port) {
        channel = ManagedChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
        watcher = Thread.ofPlatform().name("health-watch").daemon().start(this::watch);
    }

    private void watch() {
        HealthGrpc.HealthBlockingStub health = HealthGrpc.newBlockingStub(channel);
        HealthCheckRequest request = HealthCheckRequest.newBuilder().setService(OrderServiceGrpc.SERVICE_NAME).build();
        ServingStatus last = null;
        while (!stopped) {
            try {
                ServingStatus status = health.withDeadlineAfter(1, TimeUnit.SECONDS).check(request).getStatus();
                if (status != last) {
                    changes.add(new Change(status, System.nanoTime()));
                    last = status;
                }
                Thread.sleep(20);
            } catch (StatusRuntimeException e) {
                // Counts as no answer: the next check tells.
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** The first change to {@code status} at {@code sinceNanos} or later, or null. */
    Change firstSince(ServingStatus status, long sinceNanos) {
        return changes.stream().filter(change -> change.status() == status && change.nanos() >= sinceNanos)
                .findFirst().orElse(null);
    }

    @Override
    public void close() throws InterruptedException {
        stopped = true;
        watcher.join(5_000);
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
}
