package com.example.orders.server;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import com.example.orders.v1.OrderEvent;
import com.example.orders.v1.OrderServiceGrpc;
import com.example.orders.v1.WatchOrderEventsRequest;

import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;

/** A WatchOrderEvents call through the async stub: the events it got so far, and how it ended. */
final class EventWatch implements AutoCloseable {

    private final BlockingQueue<OrderEvent> events = new LinkedBlockingQueue<>();
    private final CompletableFuture<Status> end = new CompletableFuture<>();
    private volatile ClientCallStreamObserver<WatchOrderEventsRequest> call;

    private EventWatch() {
    }

    static EventWatch start(Channel channel, WatchOrderEventsRequest request) {
        EventWatch watch = new EventWatch();
        OrderServiceGrpc.newStub(channel).watchOrderEvents(request, new ClientResponseObserver<WatchOrderEventsRequest, OrderEvent>() {
            @Override
            public void beforeStart(ClientCallStreamObserver<WatchOrderEventsRequest> requests) {
                watch.call = requests;
            }

            @Override
            public void onNext(OrderEvent event) {
                watch.events.add(event);
            }

            @Override
            public void onError(Throwable failure) {
                watch.end.complete(Status.fromThrowable(failure));
            }

            @Override
            public void onCompleted() {
                watch.end.complete(Status.OK);
            }
        });
        return watch;
    }

    static EventWatch after(Channel channel, long eventId, long customerId) {
        return start(channel, WatchOrderEventsRequest.newBuilder().setAfterEventId(eventId).setCustomerId(customerId).build());
    }

    /** The next event, waiting up to 10 s for it. */
    OrderEvent next() throws InterruptedException {
        OrderEvent event = events.poll(10, TimeUnit.SECONDS);
        assertNotNull(event, () -> "no event within 10 s; the watch " + (end.isDone() ? "ended: " + end.join() : "is open"));
        return event;
    }

    List<OrderEvent> next(int count) throws InterruptedException {
        List<OrderEvent> received = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            received.add(next());
        }
        return received;
    }

    /** The next event if one comes within {@code millis}, else null. */
    OrderEvent poll(long millis) throws InterruptedException {
        return events.poll(millis, TimeUnit.MILLISECONDS);
    }

    /** How the call ended, waiting up to 10 s for it to end. */
    Status end() throws Exception {
        return end.get(10, TimeUnit.SECONDS);
    }

    boolean ended() {
        return end.isDone();
    }

    @Override
    public void close() {
        call.cancel("the test is done with it", null);
    }
}
