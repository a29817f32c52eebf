package com.example.orders.server.helidon.grpc;

import java.io.InputStream;
import java.util.List;

import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServiceDescriptor;
import io.grpc.Status;
import com.google.protobuf.Message;

/**
 * Answers a request that does not parse (bytes that are no message, invalid UTF-8 in a string) with
 * INVALID_ARGUMENT. Helidon parses a request before any interceptor sees it and, when that fails,
 * only logs: the client waits for its deadline. Here each method's request marshaller hands on what
 * it could not parse in place of the message, and the last interceptor before the handler answers it.
 */
public final class RequestDecoding {

    private RequestDecoding() {
    }

    /** The service with its requests decoded this way; the methods and the proto schema stay as they are. */
    public static ServerServiceDefinition decodeInCall(ServerServiceDefinition service) {
        List<ServerMethodDefinition<?, ?>> methods = service.getMethods().stream()
                .<ServerMethodDefinition<?, ?>>map(RequestDecoding::decoding)
                .toList();
        ServiceDescriptor original = service.getServiceDescriptor();
        ServiceDescriptor.Builder descriptor = ServiceDescriptor.newBuilder(original.getName())
                .setSchemaDescriptor(original.getSchemaDescriptor());
        methods.forEach(method -> descriptor.addMethod(method.getMethodDescriptor()));
        ServerServiceDefinition.Builder decoding = ServerServiceDefinition.builder(descriptor.build());
        methods.forEach(decoding::addMethod);
        return ServerInterceptors.intercept(decoding.build(), new AnswerUndecodable());
    }

    private static <Q, R> ServerMethodDefinition<Q, R> decoding(ServerMethodDefinition<Q, R> method) {
        MethodDescriptor<Q, R> original = method.getMethodDescriptor();
        MethodDescriptor<Q, R> decoding = original.toBuilder(new Decoder<>(original), original.getResponseMarshaller())
                .build();
        return ServerMethodDefinition.create(decoding, method.getServerCallHandler());
    }

    /** Stands for a request that did not parse, in place of the message, up to {@link AnswerUndecodable}. */
    private record Undecodable(String requestType, String problem) {
    }

    private static final class Decoder<Q> implements MethodDescriptor.Marshaller<Q> {

        private final MethodDescriptor<Q, ?> method;
        private final String requestType;

        Decoder(MethodDescriptor<Q, ?> method) {
            this.method = method;
            this.requestType = requestType(method);
        }

        @Override
        public InputStream stream(Q value) {
            return method.streamRequest(value);
        }

        @Override
        @SuppressWarnings("unchecked") // an Undecodable goes no further than AnswerUndecodable
        public Q parse(InputStream stream) {
            try {
                return method.parseRequest(stream);
            } catch (RuntimeException e) {
                Throwable cause = e.getCause() == null ? e : e.getCause();
                return (Q) new Undecodable(requestType, cause.getMessage());
            }
        }

        private static String requestType(MethodDescriptor<?, ?> method) {
            return method.getRequestMarshaller() instanceof MethodDescriptor.PrototypeMarshaller<?> proto
                   && proto.getMessagePrototype() instanceof Message message
                    ? message.getDescriptorForType().getFullName()
                    : "request message";
        }
    }

    private static final class AnswerUndecodable implements ServerInterceptor {

        @Override
        public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call,
                                                          Metadata headers,
                                                          ServerCallHandler<Q, R> next) {
            return new SimpleForwardingServerCallListener<>(next.startCall(call, headers)) {
                private boolean answered;

                @Override
                public void onMessage(Q message) {
                    if (answered) {
                        return;
                    }
                    if ((Object) message instanceof Undecodable undecodable) {
                        answered = true;
                        call.close(Status.INVALID_ARGUMENT.withDescription("request is not a valid "
                                + undecodable.requestType() + ": " + undecodable.problem()), new Metadata());
                        return;
                    }
                    super.onMessage(message);
                }

                @Override
                public void onHalfClose() {
                    if (!answered) {
                        super.onHalfClose();
                    }
                }
            };
        }
    }
}
