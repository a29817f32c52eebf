package com.example.orders.server.grpc;

import java.util.List;

import com.example.orders.server.db.CustomerStore;
import com.example.orders.server.db.OrderStore;
import com.example.orders.server.db.ProductStore;

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
                                                       int maxRequestBytes) {
        // Helidon ignores GrpcRouting.intercept(...) for bound services, so each is wrapped here.
        // The last interceptor listed runs first: statusHeaders sees every status that leaves.
        ServerServiceDefinition orderService = ServerInterceptors.intercept(
                RequestDecoding.onBytes(new OrderGrpcService(customers, products, orders).bindService()),
                RequestDecoding.interceptor(maxRequestBytes),
                new ErrorMappingInterceptor(),
                gate,
                new CallLogInterceptor(),
                HelidonGrpcFixes.statusHeaders());
        ServerServiceDefinition healthService = ServerInterceptors.intercept(
                health.getHealthService(), HelidonGrpcFixes.statusHeaders());
        ServerServiceDefinition reflection = ProtoReflectionService.newInstance().bindService();
        ServerServiceDefinition reflectionService = ServerInterceptors.intercept(reflection,
                HelidonGrpcFixes.reflectionServer(List.of(orderService, healthService, reflection)),
                HelidonGrpcFixes.statusHeaders());
        return List.of(orderService, healthService, reflectionService);
    }
}
