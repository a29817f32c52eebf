package com.example.orders.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import com.example.orders.v1.OrderServiceGrpc;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;

import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.reflection.v1alpha.ServerReflectionGrpc;
import io.grpc.reflection.v1alpha.ServerReflectionRequest;
import io.grpc.reflection.v1alpha.ServerReflectionResponse;
import io.grpc.reflection.v1alpha.ServiceResponse;
import io.grpc.stub.StreamObserver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What grpcurl and load balancers use: server reflection and the standard health service. */
class ReflectionAndHealthTest {

    @RegisterExtension
    static final ServiceFixture service = new ServiceFixture();

    @Test
    void reflectionListsTheServices() throws Exception {
        ServerReflectionResponse response = reflect(ServerReflectionRequest.newBuilder().setListServices("").build());

        List<String> services = response.getListServicesResponse().getServiceList().stream()
                .map(ServiceResponse::getName).sorted().toList();
        assertEquals(List.of("grpc.health.v1.Health", "grpc.reflection.v1alpha.ServerReflection",
                             "orders.v1.OrderService"), services);
    }

    @Test
    void reflectionDescribesTheOrderServiceWithoutTheProtoFile() throws Exception {
        ServerReflectionResponse response = reflect(ServerReflectionRequest.newBuilder()
                .setFileContainingSymbol("orders.v1.OrderService").build());

        FileDescriptorProto file = FileDescriptorProto.parseFrom(
                response.getFileDescriptorResponse().getFileDescriptorProto(0));
        assertEquals("orders/v1/order_service.proto", file.getName());
        assertEquals("OrderService", file.getService(0).getName());
        assertTrue(file.getService(0).getMethodList().stream().anyMatch(m -> m.getName().equals("CreateOrder")));
        assertTrue(file.getMessageTypeList().stream().anyMatch(m -> m.getName().equals("Order")));
    }

    @Test
    void healthIsServingForTheServerAndTheOrderService() {
        HealthGrpc.HealthBlockingStub health = HealthGrpc.newBlockingStub(service.channel())
                .withDeadlineAfter(10, TimeUnit.SECONDS);

        assertEquals(ServingStatus.SERVING, health.check(HealthCheckRequest.newBuilder().setService("").build()).getStatus());
        assertEquals(ServingStatus.SERVING, health.check(HealthCheckRequest.newBuilder()
                .setService(OrderServiceGrpc.SERVICE_NAME).build()).getStatus());
    }

    /** One request on the bidirectional reflection stream, and its one response. */
    private static ServerReflectionResponse reflect(ServerReflectionRequest request) throws Exception {
        CompletableFuture<ServerReflectionResponse> response = new CompletableFuture<>();
        StreamObserver<ServerReflectionRequest> requests = ServerReflectionGrpc.newStub(service.channel())
                .withDeadlineAfter(10, TimeUnit.SECONDS)
                .serverReflectionInfo(new StreamObserver<>() {
                    @Override
                    public void onNext(ServerReflectionResponse value) {
                        response.complete(value);
                    }

                    @Override
                    public void onError(Throwable t) {
                        response.completeExceptionally(t);
                    }

                    @Override
                    public void onCompleted() {
                        response.completeExceptionally(new IllegalStateException("no response"));
                    }
                });
        requests.onNext(request);
        ServerReflectionResponse result = response.get(10, TimeUnit.SECONDS);
        requests.onCompleted();
        return result;
    }
}
