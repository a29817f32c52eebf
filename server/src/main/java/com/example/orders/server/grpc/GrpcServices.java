package com.example.orders.server.grpc;

import java.util.ArrayList;
import java.util.List;

import com.example.orders.server.db.CustomerStore;
import com.example.orders.server.db.OrderStore;
import com.example.orders.server.db.ProductStore;

import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionService;

/**
 * Every gRPC service the server binds, each wrapped in its interceptors: the OrderService, the
 * standard health service and server reflection (v1alpha, what grpc-java 1.65 offers).
 */
public final class GrpcServices {

    private GrpcServices() {
    }

    public static List<ServerServiceDefinition> create(CustomerStore customers,
                                                       ProductStore products,
                                                       OrderStore orders,
                                                       HealthStatusManager health,
                                                       CallGate gate,
                                                       ServiceLimits limits,
                                                       PageTokens pageTokens,
                                                       String authToken) {
        // Helidon ignores GrpcRouting.intercept(...) for bound services, so each is wrapped here.
        // The last interceptor listed runs first: statusHeaders sees every status that leaves,
        // the access log every call, and a call refused by the token never takes a slot in the gate.
        List<ServerInterceptor> interceptors = new ArrayList<>(List.of(
                RequestDecoding.interceptor(limits.maxRequestBytes()),
                new ErrorMappingInterceptor(),
                gate));
        if (!authToken.isEmpty()) {
            interceptors.add(new BearerTokenAuth(authToken));
        }
        interceptors.add(new CallLogInterceptor());
        interceptors.add(HelidonGrpcFixes.statusHeaders());
        ServerServiceDefinition orderService = ServerInterceptors.intercept(
                RequestDecoding.onBytes(new OrderGrpcService(customers, products, orders, pageTokens, limits).bindService()),
                interceptors);
        ServerServiceDefinition healthService = ServerInterceptors.intercept(
                health.getHealthService(), HelidonGrpcFixes.statusHeaders());
        ServerServiceDefinition reflection = ProtoReflectionService.newInstance().bindService();
        ServerServiceDefinition reflectionService = ServerInterceptors.intercept(reflection,
                HelidonGrpcFixes.reflectionServer(List.of(orderService, healthService, reflection)),
                HelidonGrpcFixes.statusHeaders());
        return List.of(orderService, healthService, reflectionService);
    }
}
