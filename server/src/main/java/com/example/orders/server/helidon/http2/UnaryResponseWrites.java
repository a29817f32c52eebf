package com.example.orders.server.helidon.http2;

import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor.MethodType;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;

/**
 * A unary call's response leaves in one socket write, its HEADERS, DATA and trailers together, as
 * grpc-java's Netty server sends it (it flushes once, at the end of the call), instead of one write,
 * and so one TCP segment, per frame.
 *
 * <p>Helidon 4.5.0 writes each HTTP/2 frame with its own {@code writeNow} on the socket
 * ({@code Http2ConnectionWriter.noLockWrite}, lines 187-202), and the socket writer sends each at once
 * ({@code SocketWriter.writeNow}, line 81; {@code PlainSocket.write}, line 137). Its gRPC
 * {@code ServerCall} writes a unary response's three frames on the calling thread, one per method:
 * {@code sendHeaders} the HEADERS ({@code GrpcProtocolHandler}, line 456), {@code sendMessage} the DATA
 * (line 495), {@code close} the trailers with END_STREAM (line 527), each under the connection
 * writer's lock ({@code Http2ConnectionWriter}, lines 77 and 171).
 *
 * <p>So, for a UNARY method, the frames Helidon writes inside the call's {@code sendHeaders},
 * {@code sendMessage} and {@code close} ({@link UnaryResponse#write}) are held by the connection's
 * writer ({@link HeldFrames}, put in place by {@link Http2Connections}) and go out with the frame that
 * ends the stream, in one write. Everything else (the connection's own frames, streaming calls, a frame
 * from another thread) goes out at once, after whatever is held, in the same write: the frames leave in
 * exactly the order Helidon wrote them, as they must (HPACK header blocks are decoded in the order they
 * were encoded).
 *
 * <p>Nothing is held that the client's flow control waits on while the call's thread could block
 * on flow control ({@code Http2ConnectionWriter.splitAndWrite}, lines 204-224, waits before writing):
 * a DATA frame is held only if it is the message's first and carries all of it (a message cut by
 * the frame size or the window goes on in more frames, and their write may wait), a second message
 * is never held, and held frames are capped ({@link HeldFrames#MAX_HELD_BYTES}). A call that ends
 * without its trailers (cancelled, an exception) sends what it held when its {@code close}, or the
 * listener callback it runs in, returns. Streaming calls are not held at all.
 */
public final class UnaryResponseWrites implements ServerInterceptor {

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call,
                                                      Metadata headers,
                                                      ServerCallHandler<Q, R> next) {
        if (call.getMethodDescriptor().getType() != MethodType.UNARY) {
            return next.startCall(call, headers);
        }
        UnaryResponse response = new UnaryResponse();
        ServerCall.Listener<Q> listener = next.startCall(new SimpleForwardingServerCall<>(call) {
            private boolean messageSent;

            @Override
            public void sendHeaders(Metadata responseHeaders) {
                response.write(() -> super.sendHeaders(responseHeaders));
            }

            @Override
            public void sendMessage(R message) {
                if (messageSent) { // not unary after all: a second message's write may wait for the window
                    response.sendHeld();
                    super.sendMessage(message);
                    return;
                }
                messageSent = true;
                response.write(() -> super.sendMessage(message));
            }

            @Override
            public void close(Status status, Metadata trailers) {
                try {
                    response.write(() -> super.close(status, trailers));
                } finally {
                    response.sendHeld();
                }
            }
        }, headers);
        return new SimpleForwardingServerCallListener<>(listener) {
            @Override
            public void onMessage(Q message) {
                try {
                    super.onMessage(message);
                } finally {
                    response.sendHeld();
                }
            }

            @Override
            public void onHalfClose() {
                try {
                    super.onHalfClose();
                } finally {
                    response.sendHeld();
                }
            }

            @Override
            public void onCancel() {
                try {
                    super.onCancel();
                } finally {
                    response.sendHeld();
                }
            }

            @Override
            public void onComplete() {
                try {
                    super.onComplete();
                } finally {
                    response.sendHeld();
                }
            }

            @Override
            public void onReady() {
                try {
                    super.onReady();
                } finally {
                    response.sendHeld();
                }
            }
        };
    }
}
