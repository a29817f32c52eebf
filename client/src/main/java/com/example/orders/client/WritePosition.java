package com.example.orders.client;

import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicReference;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall.SimpleForwardingClientCall;
import io.grpc.ForwardingClientCallListener.SimpleForwardingClientCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;

/**
 * The furthest position in the database's write-ahead log that the service has reported for this
 * client's writes (the response header {@code orders-min-lsn}, an unsigned 64-bit decimal), sent back
 * as the request header {@code orders-min-lsn} on every later call, so that no read is served by a
 * standby that has not replayed those writes yet. Nothing is sent until a position has come; a value
 * that is no unsigned 64-bit decimal is ignored. Shared by every channel of one client.
 */
final class WritePosition implements ClientInterceptor {

    static final Metadata.Key<String> HEADER = Metadata.Key.of("orders-min-lsn", Metadata.ASCII_STRING_MARSHALLER);

    /** null until a position has come; compared unsigned, as PostgreSQL's LSNs go up to 2^64-1. */
    private final AtomicReference<Long> furthest;

    WritePosition(OptionalLong known) {
        furthest = new AtomicReference<>(known.isPresent() ? known.getAsLong() : null);
    }

    OptionalLong get() {
        Long position = furthest.get();
        return position == null ? OptionalLong.empty() : OptionalLong.of(position);
    }

    /** An unsigned 64-bit decimal, or nothing. */
    static OptionalLong parse(String value) {
        // parseUnsignedLong takes a leading '+', which is no part of the header's format
        if (value.isEmpty() || !Character.isDigit(value.charAt(0))) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(Long.parseUnsignedLong(value));
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    @Override
    public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
        return new SimpleForwardingClientCall<>(next.newCall(method, options)) {
            @Override
            public void start(Listener<R> listener, Metadata headers) {
                Long position = furthest.get();
                if (position != null) {
                    headers.put(HEADER, Long.toUnsignedString(position));
                }
                super.start(new SimpleForwardingClientCallListener<>(listener) {
                    @Override
                    public void onHeaders(Metadata responseHeaders) {
                        Iterable<String> values = responseHeaders.getAll(HEADER);
                        if (values != null) {
                            values.forEach(WritePosition.this::keep);
                        }
                        super.onHeaders(responseHeaders);
                    }
                }, headers);
            }
        };
    }

    private void keep(String value) {
        OptionalLong position = parse(value);
        if (position.isPresent()) {
            furthest.accumulateAndGet(position.getAsLong(),
                    (kept, received) -> kept == null || Long.compareUnsigned(received, kept) > 0 ? received : kept);
        }
    }
}
