package com.example.orders.server;

import static com.example.orders.server.GrpcAssertions.assertStatus;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.concurrent.TimeUnit;

import com.example.orders.v1.CreateCustomerRequest;

import io.grpc.CallOptions;
import io.grpc.MethodDescriptor;
import io.grpc.Status.Code;
import io.grpc.stub.ClientCalls;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Requests that no generated client would send: bytes that are not a valid message. */
class RawRequestTest {

    @RegisterExtension
    static final ServiceFixture service = new ServiceFixture();

    private static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            try {
                return stream.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    };

    @Test
    void invalidUtf8InAStringFieldIsInvalidArgument() {
        // Field 1 (email), length 2, bytes C3 28: not UTF-8.
        byte[] request = {0x0A, 0x02, (byte) 0xC3, 0x28, 0x12, 0x01, 'A'};

        assertStatus(Code.INVALID_ARGUMENT, "not a valid orders.v1.CreateCustomerRequest", () -> call("CreateCustomer", request));
    }

    @Test
    void bytesThatAreNoMessageAreInvalidArgument() {
        byte[] request = {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF};

        assertStatus(Code.INVALID_ARGUMENT, "not a valid orders.v1.GetOrderRequest", () -> call("GetOrder", request));
    }

    @Test
    void aRequestOverTheSizeLimitIsRefused() {
        byte[] request = CreateCustomerRequest.newBuilder()
                .setEmail("big@example.com").setName("x".repeat(5 * 1024 * 1024)).build().toByteArray();

        assertStatus(Code.RESOURCE_EXHAUSTED, "exceeds the maximum of", () -> call("CreateCustomer", request));
    }

    private static byte[] call(String method, byte[] request) {
        MethodDescriptor<byte[], byte[]> descriptor = MethodDescriptor.<byte[], byte[]>newBuilder()
                .setType(MethodDescriptor.MethodType.UNARY)
                .setFullMethodName("orders.v1.OrderService/" + method)
                .setRequestMarshaller(BYTES)
                .setResponseMarshaller(BYTES)
                .build();
        return ClientCalls.blockingUnaryCall(service.channel(), descriptor,
                CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS), request);
    }
}
