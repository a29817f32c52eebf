package com.example.orders.server.grpc;

import java.util.ArrayList;
import java.util.List;

import com.example.orders.server.helidon.grpc.EarlyAnswers;
import com.example.orders.server.helidon.grpc.GrpcMessageEncoding;
import com.example.orders.server.helidon.grpc.GrpcSubProtocol;
import com.example.orders.server.helidon.grpc.NoWritesAfterReset;
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
 * The gRPC side of the server: the services it binds and the interceptors a call passes through,
 * listed in the order the call meets them. Helidon's own context interceptor comes before them all;
 * the workarounds are described in docs/helidon-workarounds.md.
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
                        new InterruptWritesOnCancel(),          // then Helidon's call fixes, to see what goes to the wire;
                        new NoWritesAfterReset(),               //   after the interrupt: a write it drops never waits
                        new EarlyAnswers(),                     //   after the reset check: a held answer is checked when let go
                        new GrpcMessageEncoding(),
                        new CallObservation(meters, tracing),   // the access log, the metrics and the trace
                        new OversizedRequests(maxRequestBytes), // after the log and the metrics, which see its status
                        new ServerCallContext())                // the client's deadline and cancel, for the handler
                .service(orders)
                .service(healthChecks)
                .service(ServerInterceptors.intercept(reflection, reflectionServer))
                .service(ServerInterceptors.intercept(reflectionV1Alpha, reflectionServer));
    }

    /**
     * Then, for the OrderService only: health and reflection stay open to probes and tools, and answer
     * while the OrderService is saturated.
     */
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
