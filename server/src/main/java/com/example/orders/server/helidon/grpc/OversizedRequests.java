package com.example.orders.server.helidon.grpc;

import java.util.logging.Filter;
import java.util.logging.Logger;

import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;

/**
 * Answers a request larger than {@code server.protocols.grpc.max-read-buffer-size} with
 * RESOURCE_EXHAUSTED. Helidon refuses such a request as soon as the 5-byte message prefix announces
 * its length, before reading it, which is the right place for the limit; but it only cancels the call
 * and logs an error with its stack trace, so the client waits for its deadline. Must come after the
 * access log and the metrics, which then see the status.
 *
 * <p>The call learns of the refusal only as an {@code onCancel} that no client sent: before the
 * request's first message, and without the client's RST_STREAM CANCEL, which Helidon reports as
 * {@link ServerCall#isCancelled()}. Helidon's error record for it is dropped: the access log's line
 * says it.
 */
public final class OversizedRequests implements ServerInterceptor {

    private static final String HELIDON_HANDLER = "io.helidon.webserver.grpc.GrpcProtocolHandler";
    private static final String HELIDON_REFUSAL = "gRPC message size exceeds max read buffer size";
    /** Held here: JUL keeps loggers only weakly, and would forget the filter with the logger. */
    private static final Logger HELIDON_LOG = Logger.getLogger(HELIDON_HANDLER);

    static {
        Filter configured = HELIDON_LOG.getFilter();
        HELIDON_LOG.setFilter(record -> !isRefusal(record.getThrown())
                && (configured == null || configured.isLoggable(record)));
    }

    private final int maxRequestBytes;

    public OversizedRequests(int maxRequestBytes) {
        this.maxRequestBytes = maxRequestBytes;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call,
                                                      Metadata headers,
                                                      ServerCallHandler<Q, R> next) {
        return new SimpleForwardingServerCallListener<>(next.startCall(call, headers)) {
            private boolean requestSeen;

            @Override
            public void onMessage(Q message) {
                requestSeen = true;
                super.onMessage(message);
            }

            @Override
            public void onCancel() {
                if (!requestSeen && !call.isCancelled()) {
                    call.close(Status.RESOURCE_EXHAUSTED.withDescription(
                            "request exceeds the maximum of " + maxRequestBytes + " bytes"), new Metadata());
                }
                super.onCancel();
            }
        };
    }

    private static boolean isRefusal(Throwable thrown) {
        return thrown instanceof IllegalStateException && HELIDON_REFUSAL.equals(thrown.getMessage());
    }
}
