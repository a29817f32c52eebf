package com.example.orders.server;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.grpc.Channel;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.stub.StreamObserver;

/** Server reflection asked as grpcurl and buf curl ask it. */
final class Reflection {

    private Reflection() {
    }

    /** One request on the bidirectional reflection stream (v1), and its one response. */
    static ServerReflectionResponse ask(Channel channel, ServerReflectionRequest request) throws Exception {
        CompletableFuture<ServerReflectionResponse> response = new CompletableFuture<>();
        StreamObserver<ServerReflectionRequest> requests = ServerReflectionGrpc.newStub(channel)
                .withDeadlineAfter(10, TimeUnit.SECONDS)
                .serverReflectionInfo(completing(response));
        requests.onNext(request);
        ServerReflectionResponse result = response.get(10, TimeUnit.SECONDS);
        requests.onCompleted();
        return result;
    }

    /** Completes {@code response} with a stream's first message, or with its failure. */
    static <T> StreamObserver<T> completing(CompletableFuture<T> response) {
        return new StreamObserver<>() {
            @Override
            public void onNext(T value) {
                response.complete(value);
            }

            @Override
            public void onError(Throwable t) {
                response.completeExceptionally(t);
            }

            @Override
            public void onCompleted() {
                response.completeExceptionally(new IllegalStateException("no response"));
            }
        };
    }
}
