package com.example.orders.server.grpc;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.InternalServer;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;

/**
 * Works around behaviours of Helidon 4.1.7's gRPC server that break standard clients. Each is
 * covered by tests that call the server through a real grpc-java channel.
 */
final class HelidonGrpcFixes {

    private HelidonGrpcFixes() {
    }

    /**
     * Makes statuses reach clients as sent; must be the outermost interceptor of every service.
     *
     * <ul>
     * <li>A call closed before any message is written as a trailers-only response without
     * {@code :status 200}, which grpc-java clients report as "INTERNAL: Missing HTTP status code"
     * (Helidon issue #10843). Sending the (empty) headers first makes it a normal response.</li>
     * <li>{@code grpc-message} is written as is, but the protocol wants it percent-encoded: clients
     * would mangle a message with '%' or non-ASCII text. It is encoded here.</li>
     * </ul>
     */
    static ServerInterceptor statusHeaders() {
        return new ServerInterceptor() {
            @Override
            public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call,
                                                              Metadata headers,
                                                              ServerCallHandler<Q, R> next) {
                return next.startCall(new HeadersFirstCall<>(call), headers);
            }
        };
    }

    /**
     * grpc-java's reflection service finds the services to describe through the server it runs in,
     * read from {@link InternalServer#SERVER_CONTEXT_KEY}, which Helidon never sets: reflection then
     * fails with a NullPointerException and the client waits for its deadline. This puts a stand-in
     * server that knows the bound services into the context of each reflection call.
     */
    static ServerInterceptor reflectionServer(List<ServerServiceDefinition> services) {
        Server server = new BoundServices(services);
        return new ServerInterceptor() {
            @Override
            public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call,
                                                              Metadata headers,
                                                              ServerCallHandler<Q, R> next) {
                Context context = Context.current().withValue(InternalServer.SERVER_CONTEXT_KEY, server);
                return Contexts.interceptCall(context, call, headers, next);
            }
        };
    }

    /** The grpc-message encoding: bytes outside printable ASCII, and '%', become %XX. */
    static String percentEncode(String message) {
        if (message == null) {
            return null;
        }
        StringBuilder encoded = new StringBuilder(message.length());
        for (byte b : message.getBytes(StandardCharsets.UTF_8)) {
            if (b >= ' ' && b <= '~' && b != '%') {
                encoded.append((char) b);
            } else {
                encoded.append('%').append(String.format("%02X", b & 0xFF));
            }
        }
        return encoded.toString();
    }

    private static final class HeadersFirstCall<Q, R> extends SimpleForwardingServerCall<Q, R> {

        private volatile boolean headersSent;

        HeadersFirstCall(ServerCall<Q, R> call) {
            super(call);
        }

        @Override
        public void sendHeaders(Metadata headers) {
            headersSent = true;
            super.sendHeaders(headers);
        }

        @Override
        public void sendMessage(R message) {
            sendHeadersOnce();
            super.sendMessage(message);
        }

        @Override
        public void close(Status status, Metadata trailers) {
            sendHeadersOnce();
            super.close(status.withDescription(percentEncode(status.getDescription())), trailers);
        }

        private void sendHeadersOnce() {
            if (!headersSent) {
                sendHeaders(new Metadata());
            }
        }
    }

    /** Only what the reflection service asks of its server: the services bound to it. */
    private static final class BoundServices extends Server {

        private final List<ServerServiceDefinition> services;

        BoundServices(List<ServerServiceDefinition> services) {
            this.services = List.copyOf(services);
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
