package com.example.orders.server.grpc;

import com.example.orders.server.db.CustomerStore;
import com.example.orders.server.db.OrderStore;
import com.example.orders.server.db.ProductStore;

import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;

/** The gRPC services as they are bound, each wrapped in its interceptors. */
public final class GrpcServices {

    private GrpcServices() {
    }

    public static ServerServiceDefinition orderService(CustomerStore customers, ProductStore products, OrderStore orders) {
        // Helidon ignores GrpcRouting.intercept(...) for bound services, so each is wrapped here.
        // The last interceptor listed runs first: the Helidon fixes see every status that leaves.
        return ServerInterceptors.intercept(new OrderGrpcService(customers, products, orders),
                new ErrorMappingInterceptor(),
                new HelidonGrpcFixes());
    }
}
