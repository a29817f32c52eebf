package com.example.orders.server.grpc;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;

/**
 * Requires {@code authorization: Bearer <token>} on every call, with the configured token; anything
 * else gets UNAUTHENTICATED before the call runs.
 */
final class BearerTokenAuth implements ServerInterceptor {

    private static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
    private static final String SCHEME = "Bearer ";

    private final byte[] token;

    BearerTokenAuth(String token) {
        this.token = token.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call,
                                                      Metadata headers,
                                                      ServerCallHandler<Q, R> next) {
        String authorization = headers.get(AUTHORIZATION);
        String problem;
        if (authorization == null || !authorization.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
            problem = "missing bearer token: send the header authorization: Bearer <token>";
        } else if (!MessageDigest.isEqual(token, // constant time: the comparison leaks nothing of the token
                authorization.substring(SCHEME.length()).strip().getBytes(StandardCharsets.UTF_8))) {
            problem = "invalid bearer token";
        } else {
            return next.startCall(call, headers);
        }
        call.close(Status.UNAUTHENTICATED.withDescription(problem), new Metadata());
        return new ServerCall.Listener<>() {
        };
    }
}
