package com.example.orders.server;

import static com.example.orders.server.GrpcAssertions.assertStatus;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import com.example.orders.v1.GetOrderRequest;
import com.example.orders.v1.OrderServiceGrpc;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;

import io.grpc.CallOptions;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.reflection.v1.ServiceResponse;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What grpcurl, buf curl and load balancers use: server reflection (v1, and v1alpha for older tools),
 * the standard health service, and UNIMPLEMENTED for what the server does not have.
 */
class ReflectionAndHealthTest {

    @RegisterExtension
    static final ServiceFixture service = new ServiceFixture();

    @Test
    void reflectionListsTheServices() throws Exception {
        ServerReflectionResponse response = reflect(ServerReflectionRequest.newBuilder().setListServices("").build());

        List<String> services = response.getListServicesResponse().getServiceList().stream()
                .map(ServiceResponse::getName).sorted().toList();
        assertEquals(List.of("grpc.health.v1.Health", "grpc.reflection.v1.ServerReflection",
                             "grpc.reflection.v1alpha.ServerReflection", "orders.v1.OrderService"), services);
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
    @SuppressWarnings("deprecation") // v1alpha: what older tools ask for
    void olderToolsGetReflectionV1Alpha() throws Exception {
        CompletableFuture<io.grpc.reflection.v1alpha.ServerReflectionResponse> response = new CompletableFuture<>();
        StreamObserver<io.grpc.reflection.v1alpha.ServerReflectionRequest> requests =
                io.grpc.reflection.v1alpha.ServerReflectionGrpc.newStub(service.channel())
                        .withDeadlineAfter(10, TimeUnit.SECONDS)
                        .serverReflectionInfo(Reflection.completing(response));
        requests.onNext(io.grpc.reflection.v1alpha.ServerReflectionRequest.newBuilder()
                .setFileContainingSymbol("orders.v1.OrderService.GetOrder").build());

        FileDescriptorProto file = FileDescriptorProto.parseFrom(response.get(10, TimeUnit.SECONDS)
                .getFileDescriptorResponse().getFileDescriptorProto(0));
        requests.onCompleted();
        assertEquals("orders/v1/order_service.proto", file.getName());
    }

    @Test
    void healthIsServingForTheServerAndTheOrderService() {
        HealthGrpc.HealthBlockingStub health = HealthGrpc.newBlockingStub(service.channel())
                .withDeadlineAfter(10, TimeUnit.SECONDS);

        assertEquals(ServingStatus.SERVING, health.check(HealthCheckRequest.newBuilder().setService("").build()).getStatus());
        assertEquals(ServingStatus.SERVING, health.check(HealthCheckRequest.newBuilder()
                .setService(OrderServiceGrpc.SERVICE_NAME).build()).getStatus());
    }

    @Test
    void anUnknownServiceOrMethodIsUnimplemented() {
        assertStatus(Status.Code.UNIMPLEMENTED, "Method not found: orders.v1.OrderService/Nope",
                () -> call("orders.v1.OrderService/Nope"));
        assertStatus(Status.Code.UNIMPLEMENTED, "Method not found: orders.v9.Nothing/GetOrder",
                () -> call("orders.v9.Nothing/GetOrder"));
        assertEquals(0, OrderServiceGrpc.newBlockingStub(service.channel()).withDeadlineAfter(10, TimeUnit.SECONDS)
                .getOrders(com.example.orders.v1.GetOrdersRequest.newBuilder().addIds(1).build()).getOrdersCount(),
                "the connection goes on");
    }

    /**
     * Also on a connection upgraded from HTTP/1.1 to h2c, which no gRPC client makes but an HTTP client
     * may (Java's, here, or curl --http2): Helidon gives it only the sub-protocols its ServiceLoader
     * finds, so GrpcSubProtocol is registered there too (META-INF/services). The upgrade comes with a
     * request without a body, Helidon upgrades no other; the gRPC call comes after, on the connection.
     */
    @Test
    void anUnknownMethodIsUnimplementedOnAConnectionUpgradedFromHttp1() throws Exception {
        URI server = URI.create("http://127.0.0.1:" + service.server().port());
        try (HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build()) {
            HttpResponse<Void> upgrade = http.send(HttpRequest.newBuilder(server.resolve("/observe/health")).build(),
                                                   HttpResponse.BodyHandlers.discarding());
            assertEquals(HttpClient.Version.HTTP_2, upgrade.version(), "upgraded");

            HttpResponse<Void> call = http.send(HttpRequest.newBuilder(server.resolve("/orders.v1.OrderService/Nope"))
                                                        .header("content-type", "application/grpc")
                                                        .header("te", "trailers")
                                                        .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[5]))
                                                        .timeout(Duration.ofSeconds(10))
                                                        .build(),
                                                HttpResponse.BodyHandlers.discarding());
            assertEquals(HttpClient.Version.HTTP_2, call.version());
            assertEquals(200, call.statusCode(), "HTTP status");
            assertEquals("12", call.headers().firstValue("grpc-status").orElse("none"), "grpc-status: UNIMPLEMENTED");
        }
    }

    private static Object call(String method) {
        MethodDescriptor<GetOrderRequest, GetOrderRequest> descriptor = MethodDescriptor.<GetOrderRequest, GetOrderRequest>newBuilder()
                .setType(MethodDescriptor.MethodType.UNARY)
                .setFullMethodName(method)
                .setRequestMarshaller(ProtoUtils.marshaller(GetOrderRequest.getDefaultInstance()))
                .setResponseMarshaller(ProtoUtils.marshaller(GetOrderRequest.getDefaultInstance()))
                .build();
        return ClientCalls.blockingUnaryCall(service.channel(), descriptor,
                CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS),
                GetOrderRequest.newBuilder().setOrderId(1).build());
    }

    private static ServerReflectionResponse reflect(ServerReflectionRequest request) throws Exception {
        return Reflection.ask(service.channel(), request);
    }
}
