package com.example.orders.client;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

import com.example.orders.v1.CreateOrderRequest;
import com.example.orders.v1.ExportOrdersRequest;
import com.example.orders.v1.GetOrderRequest;
import com.example.orders.v1.Order;
import com.example.orders.v1.OrderServiceGrpc;
import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.stub.StreamObserver;

/**
 * A stand-in order service for the tests of what a client does with {@code orders-min-lsn}: it
 * answers CreateOrder, GetOrder and ExportOrders with an empty order, puts the next of
 * {@link #replies} (none when they have run out) in each call's response headers, and records the
 * value each call brought in {@link #sent} ("-" for none).
 */
final class StandInPositions {

    final Queue<String> replies = new ConcurrentLinkedQueue<>();
    final List<String> sent = Collections.synchronizedList(new ArrayList<>());

    ServerServiceDefinition service() {
        return ServerInterceptors.intercept(new OrderServiceGrpc.OrderServiceImplBase() {
            @Override
            public void createOrder(CreateOrderRequest request, StreamObserver<Order> responses) {
                responses.onNext(Order.getDefaultInstance());
                responses.onCompleted();
            }

            @Override
            public void getOrder(GetOrderRequest request, StreamObserver<Order> responses) {
                responses.onNext(Order.getDefaultInstance());
                responses.onCompleted();
            }

            @Override
            public void exportOrders(ExportOrdersRequest request, StreamObserver<Order> responses) {
                responses.onNext(Order.getDefaultInstance());
                responses.onCompleted();
            }
        }, new ServerInterceptor() {
            @Override
            public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                              ServerCallHandler<Q, R> next) {
                Iterable<String> values = headers.getAll(WritePosition.HEADER);
                sent.add(values == null ? "-" : String.join(",", values));
                String reply = replies.poll();
                return next.startCall(new SimpleForwardingServerCall<>(call) {
                    @Override
                    public void sendHeaders(Metadata responseHeaders) {
                        if (reply != null) {
                            responseHeaders.put(WritePosition.HEADER, reply);
                        }
                        super.sendHeaders(responseHeaders);
                    }
                }, headers);
            }
        });
    }
}
