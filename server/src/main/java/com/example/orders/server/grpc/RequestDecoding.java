package com.example.orders.server.grpc;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

import com.example.orders.server.error.InvalidArgumentException;
import com.example.orders.server.error.ResourceExhaustedException;
import com.google.protobuf.Descriptors;
import com.google.protobuf.InvalidProtocolBufferException;

import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.protobuf.ProtoMethodDescriptorSupplier;

/**
 * Decodes requests inside the service rather than in the transport. Helidon 4.1.7 parses a request
 * before any interceptor sees it, and when parsing fails (bytes that are no message, invalid UTF-8
 * in a string) it only logs: the client never gets a status. Here the transport hands over bytes;
 * this interceptor refuses them when they exceed the size limit (RESOURCE_EXHAUSTED) and turns a
 * failed parse into INVALID_ARGUMENT, both thrown to {@link ErrorMappingInterceptor}.
 */
final class RequestDecoding implements ServerInterceptor {

    private final int maxRequestBytes;

    private RequestDecoding(int maxRequestBytes) {
        this.maxRequestBytes = maxRequestBytes;
    }

    /** The service with bytes on the wire; {@link #interceptor} must be the innermost interceptor on it. */
    static ServerServiceDefinition onBytes(ServerServiceDefinition service) {
        return ServerInterceptors.useMarshalledMessages(service, new BytesMarshaller());
    }

    static ServerInterceptor interceptor(int maxRequestBytes) {
        return new RequestDecoding(maxRequestBytes);
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call,
                                                      Metadata headers,
                                                      ServerCallHandler<Q, R> next) {
        String requestType = requestType(call.getMethodDescriptor());
        return new SimpleForwardingServerCallListener<>(next.startCall(call, headers)) {
            @Override
            public void onMessage(Q message) {
                int size = ((byte[]) message).length;
                if (size > maxRequestBytes) {
                    throw new ResourceExhaustedException("request of " + size + " bytes exceeds the maximum of "
                            + maxRequestBytes + " bytes");
                }
                try {
                    super.onMessage(message);
                } catch (RuntimeException e) {
                    if (!(e.getCause() instanceof InvalidProtocolBufferException invalid)) {
                        throw e;
                    }
                    throw new InvalidArgumentException("request is not a valid " + requestType + ": "
                            + invalid.getMessage());
                }
            }
        };
    }

    private static String requestType(MethodDescriptor<?, ?> method) {
        if (method.getSchemaDescriptor() instanceof ProtoMethodDescriptorSupplier proto) {
            Descriptors.MethodDescriptor descriptor = proto.getMethodDescriptor();
            return descriptor.getInputType().getFullName();
        }
        return "request message";
    }

    private static final class BytesMarshaller implements MethodDescriptor.Marshaller<byte[]> {

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
    }
}
