package com.example.orders.server.helidon.grpc;

import java.util.List;
import java.util.concurrent.TimeUnit;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.InternalServer;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerServiceDefinition;

/**
 * grpc-java's reflection services find the services to describe through the server they run in,
 * read from {@link InternalServer#SERVER_CONTEXT_KEY}, which Helidon never sets: reflection then fails
 * with a NullPointerException and the client waits for its deadline. This puts a stand-in server that
 * knows the bound services into the context of each reflection call.
 */
public final class ReflectionServer implements ServerInterceptor {

    private final Server server;

    public ReflectionServer(List<ServerServiceDefinition> services) {
        this.server = new BoundServices(List.copyOf(services));
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call,
                                                      Metadata headers,
                                                      ServerCallHandler<Q, R> next) {
        Context context = Context.current().withValue(InternalServer.SERVER_CONTEXT_KEY, server);
        return Contexts.interceptCall(context, call, headers, next);
    }

    /** Only what the reflection service asks of its server: the services bound to it. */
    private static final class BoundServices extends Server {

        private final List<ServerServiceDefinition> services;

        BoundServices(List<ServerServiceDefinition> services) {
            this.services = services;
        }

        @Override
        public List<ServerServiceDefinition> getImmutableServices() {
            return services;
        }

        @Override
        public List<ServerServiceDefinition> getServices() {
            return services;
        }

        @Override
        public Server start() {
            return this;
        }

        @Override
        public Server shutdown() {
            return this;
        }

        @Override
        public Server shutdownNow() {
            return this;
        }

        @Override
        public boolean isShutdown() {
            return false;
        }

        @Override
        public boolean isTerminated() {
            return false;
        }

        @Override
        public boolean awaitTermination(long timeout, TimeUnit unit) {
            return true;
        }

        @Override
        public void awaitTermination() {
        }
    }
}
