package com.example.orders.server.grpc;

import java.util.ArrayList;
import java.util.List;

import com.example.orders.server.helidon.grpc.EarlyAnswers;
import com.example.orders.server.helidon.grpc.GrpcMessageEncoding;
import com.example.orders.server.helidon.grpc.GrpcSubProtocol;
import com.example.orders.server.helidon.grpc.OversizedRequests;
import com.example.orders.server.helidon.grpc.ReflectionServer;
import com.example.orders.server.helidon.grpc.RequestDecoding;
import com.example.orders.server.helidon.grpc.ServerCallContext;
import com.example.orders.server.helidon.http2.Http2Connections;
import com.example.orders.server.helidon.http2.InterruptWritesOnCancel;
import com.example.orders.server.helidon.http2.UnaryResponseWrites;

import io.grpc.BindableService;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionService;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import io.helidon.config.Config;
import io.helidon.metrics.api.MeterRegistry;
import io.helidon.webserver.grpc.GrpcRouting;
import io.helidon.webserver.spi.ServerConnectionSelector;

/**
 * The path of a call, written down once, in the order a call meets it; each layer is named here with
 * why it is there. A GetOrder, for instance:
 *
 * <ol>
 * <li><b>The HTTP/2 connection</b> ({@link #connections}, given to the listener in code):
 *   <ul>
 *   <li>helidon.http2.Http2Connections: Helidon's own connection, with the reader and writer below.</li>
 *   <li>helidon.http2.ClientFrames, the connection's reader: the client's frames, whole, to
 *       PseudoHeaderNames (pseudo-headers spelled out by name get their index: gRPC's C core) and
 *       ClosedStreamResets (a RST_STREAM for a closed stream is dropped, not a protocol error).</li>
 *   <li>helidon.grpc.GrpcSubProtocol: Helidon's gRPC sub-protocol, with UnknownMethods (UNIMPLEMENTED,
 *       not HTTP 404) and ResponseCompression (a response compressed only when its request was).
 *       Also a META-INF/services provider, for connections upgraded from HTTP/1.1 only.</li>
 *   <li>helidon.grpc.RequestDecoding, the request's marshaller: a request that does not parse goes on
 *       as such, to be answered INVALID_ARGUMENT below instead of left to its deadline.</li>
 *   </ul></li>
 * <li><b>Every call, to every service</b> ({@link #routing}, after Helidon's context interceptor):
 *   <ul>
 *   <li>helidon.http2.UnaryResponseWrites: a unary response's frames leave in one socket write.</li>
 *   <li>helidon.http2.InterruptWritesOnCancel: a write waiting for the window of a reset stream ends.</li>
 *   <li>helidon.grpc.EarlyAnswers: an answer given before the request has come waits for it.</li>
 *   <li>helidon.grpc.GrpcMessageEncoding: grpc-message percent-encoded.</li>
 *   <li>CallObservation: the access log line, the call's metrics and its trace span.</li>
 *   <li>helidon.grpc.OversizedRequests: RESOURCE_EXHAUSTED for a request over the limit (after the
 *       log and the metrics, which see its status).</li>
 *   <li>helidon.grpc.ServerCallContext: the io.grpc.Context with the client's deadline and cancel.</li>
 *   </ul></li>
 * <li><b>The OrderService's calls</b> (orderServiceOnly; health and reflection stay open to
 *     probes and tools, and answer while the service is saturated):
 *   <ul>
 *   <li>BearerTokenAuth, when a token is set: UNAUTHENTICATED before the call takes anything.</li>
 *   <li>DatabaseScope: the call as the data layer sees it (deadline, cancel, orders-min-lsn).</li>
 *   <li>CallGate: at most max-concurrent-calls at once; UNAVAILABLE while draining.</li>
 *   <li>ErrorMappingInterceptor: what the handler throws becomes a status (ErrorStatus).</li>
 *   <li>RequestDecoding's last step: INVALID_ARGUMENT for a request that did not parse.</li>
 *   </ul></li>
 * <li><b>The handler</b>, OrderGrpcService: checks the request (RequestChecks) and calls one store
 *     (db.OrderStore), which reads through db.Reads on the primary or the standby, runs a statement of
 *     db.Sql through DbClient (counted and timed by db.StatementObservation) on a connection of
 *     db.ConnectionPool, which cancels it when the call is cancelled.</li>
 * <li><b>The answer</b>, on the connection's writer: helidon.http2.EmptyWindowUpdates (no
 *     WINDOW_UPDATE of 0), ClosedStreamResets (which streams the server ended), HeldFrames (the unary
 *     response's frames held for one write), InterruptibleWrites (no interrupt in a socket write).</li>
 * </ol>
 *
 * <p>docs/helidon-workarounds.md gives each helidon.* layer's defect, test and upstream issue.
 */
public final class GrpcPipeline {

    private GrpcPipeline() {
    }

    /**
     * The HTTP/2 connections calls come on, configured from {@code server.protocols}: Helidon's, with
     * the fixes of the connection (helidon.http2) and of how a call starts (GrpcSubProtocol). For the
     * listener's {@code connectionSelectors}, which it tries before those its ServiceLoader finds.
     */
    public static ServerConnectionSelector connections(Config protocols) {
        return Http2Connections.selector(protocols, GrpcSubProtocol.selector(protocols));
    }

    public static GrpcRouting.Builder routing(BindableService orderService,
                                              HealthStatusManager health,
                                              CallGate gate,
                                              String authToken,
                                              int maxRequestBytes,
                                              MeterRegistry meters,
                                              CallTracing tracing) {
        ServerServiceDefinition orders = ServerInterceptors.interceptForward(
                RequestDecoding.decodeInCall(orderService.bindService()), orderServiceOnly(gate, authToken));
        ServerServiceDefinition healthChecks = RequestDecoding.decodeInCall(health.getHealthService().bindService());
        ServerServiceDefinition reflection = RequestDecoding.decodeInCall(ProtoReflectionServiceV1.newInstance().bindService());
        ServerServiceDefinition reflectionV1Alpha = RequestDecoding.decodeInCall(reflectionV1Alpha());
        ServerInterceptor reflectionServer = new ReflectionServer(List.of(orders, healthChecks, reflection, reflectionV1Alpha));

        return GrpcRouting.builder()
                .intercept(                                     // every call, to every service:
                        new UnaryResponseWrites(),              // first: sends what a unary call held after all it did
                        new InterruptWritesOnCancel(),          // then Helidon's call fixes, to see what goes to the wire
                        new EarlyAnswers(),
                        new GrpcMessageEncoding(),
                        new CallObservation(meters, tracing),   // the access log, the metrics and the trace
                        new OversizedRequests(maxRequestBytes), // after the log and the metrics, which see its status
                        new ServerCallContext())                // the client's deadline and cancel, for the handler
                .service(orders)
                .service(healthChecks)
                .service(ServerInterceptors.intercept(reflection, reflectionServer))
                .service(ServerInterceptors.intercept(reflectionV1Alpha, reflectionServer));
    }

    /** Then, for the OrderService only (see above). */
    private static List<ServerInterceptor> orderServiceOnly(CallGate gate, String authToken) {
        List<ServerInterceptor> interceptors = new ArrayList<>();
        if (!authToken.isEmpty()) {
            interceptors.add(new BearerTokenAuth(authToken)); // before the gate: a refused call takes no slot
        }
        interceptors.add(new DatabaseScope());                // the call as the data layer sees it
        interceptors.add(gate);
        interceptors.add(new ErrorMappingInterceptor());      // turns what the handler throws into a status
        return interceptors;
    }

    /** The older reflection protocol, which some tools still ask for first. */
    @SuppressWarnings("deprecation")
    private static ServerServiceDefinition reflectionV1Alpha() {
        return ProtoReflectionService.newInstance().bindService();
    }
}
