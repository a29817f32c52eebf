package com.example.orders.bench;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import com.example.orders.v1.OrderEvent;
import com.example.orders.v1.OrderServiceGrpc;
import com.example.orders.v1.WatchOrderEventsRequest;
import com.google.protobuf.Timestamp;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.stub.StreamObserver;
import org.HdrHistogram.Recorder;

/**
 * How long order events take to reach their readers while something else places orders: a
 * WatchOrderEvents stream and a RabbitMQ queue bound to the relay's exchange, both open for the
 * whole run. The lag of an event is its arrival time less its occurred_at, the start of the
 * transaction that wrote it: so it also holds the rest of that transaction, a millisecond or two, and
 * overstates the time from commit a little. Reader and database share the machine's clock.
 *
 * <p>usage: EventLag TARGET AMQP_URI EXCHANGE SECONDS
 */
public final class EventLag {

    private EventLag() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 4) {
            System.err.println("usage: EventLag TARGET AMQP_URI EXCHANGE SECONDS");
            System.exit(2);
        }
        Recorder stream = new Recorder(3);
        Recorder broker = new Recorder(3);

        ManagedChannel channel = ManagedChannelBuilder.forTarget(args[0]).usePlaintext().build();
        OrderServiceGrpc.newStub(channel).watchOrderEvents(WatchOrderEventsRequest.getDefaultInstance(),
                new StreamObserver<>() {
                    @Override
                    public void onNext(OrderEvent event) {
                        stream.recordValue(lagMicros(event.getOccurredAt()));
                    }

                    @Override
                    public void onError(Throwable failure) {
                        System.err.println("the watch ended: " + failure);
                    }

                    @Override
                    public void onCompleted() {
                    }
                });

        ConnectionFactory factory = new ConnectionFactory();
        factory.setUri(args[1]);
        try (Connection connection = factory.newConnection("event-lag")) {
            Channel queue = connection.createChannel();
            queue.exchangeDeclare(args[2], "topic", true);
            String name = queue.queueDeclare().getQueue();
            queue.queueBind(name, args[2], "#");
            queue.basicConsume(name, true, (tag, message) ->
                    broker.recordValue(lagMicros(OrderEvent.parseFrom(message.getBody()).getOccurredAt())), tag -> { });

            Thread.sleep(Duration.ofSeconds(Long.parseLong(args[3])));
            System.out.println(line("gRPC stream", stream));
            System.out.println(line("RabbitMQ", broker));
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    private static long lagMicros(Timestamp occurredAt) {
        Duration lag = Duration.between(Instant.ofEpochSecond(occurredAt.getSeconds(), occurredAt.getNanos()), Instant.now());
        return Math.max(0, lag.toNanos() / 1000);
    }

    private static String line(String reader, Recorder recorder) {
        var histogram = recorder.getIntervalHistogram();
        return String.format(Locale.ROOT, "| %s | %d | %.1f | %.1f | %.1f |", reader, histogram.getTotalCount(),
                histogram.getValueAtPercentile(50) / 1000.0, histogram.getValueAtPercentile(99) / 1000.0,
                histogram.getMaxValue() / 1000.0);
    }
}
