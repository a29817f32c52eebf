package com.example.orders.server.helidon.http2;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor.MethodType;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.helidon.common.buffers.BufferData;
import io.helidon.common.buffers.DataWriter;

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
 * {@code sendMessage} and {@code close} are held by the connection's writer ({@link #socketWriter},
 * put in place by {@link Http2Connections}) and go out with the frame that ends the stream, in one
 * write. Everything else (the connection's own frames, streaming calls, a frame from another thread)
 * goes out at once, after whatever is held, in the same write: the frames leave in exactly the order
 * Helidon wrote them, as they must (HPACK header blocks are decoded in the order they were encoded).
 *
 * <p>Nothing is held that the client's flow control waits on while the call's thread could block
 * on flow control ({@code Http2ConnectionWriter.splitAndWrite}, lines 204-224, waits before writing):
 * a DATA frame is held only if it is the message's first and carries all of it (a message cut by
 * the frame size or the window goes on in more frames, and their write may wait), a second message
 * is never held, and held frames are capped ({@link #MAX_HELD_BYTES}). A call that ends without its
 * trailers (cancelled, an exception) sends what it held when its {@code close}, or the listener
 * callback it runs in, returns. Streaming calls are not held at all.
 */
public final class UnaryResponseWrites implements ServerInterceptor {

    /** Held bytes at most; beyond, the frames go out. Frames are at most 16 KiB unless the client allows more. */
    static final int MAX_HELD_BYTES = 64 * 1024;
    private static final System.Logger LOGGER = System.getLogger(UnaryResponseWrites.class.getName());
    private static final int GRPC_PREFIX_LENGTH = 5;

    /** Set while this thread is in a unary call's sendHeaders, sendMessage or close. */
    private static final ThreadLocal<Answer> ANSWERING = new ThreadLocal<>();
    /** The connection holding frames this thread wrote. */
    private static final ThreadLocal<Connection> HOLDING = new ThreadLocal<>();

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call,
                                                      Metadata headers,
                                                      ServerCallHandler<Q, R> next) {
        if (call.getMethodDescriptor().getType() != MethodType.UNARY) {
            return next.startCall(call, headers);
        }
        ServerCall.Listener<Q> listener = next.startCall(new SimpleForwardingServerCall<>(call) {
            private boolean messageSent;

            @Override
            public void sendHeaders(Metadata responseHeaders) {
                answering(() -> super.sendHeaders(responseHeaders));
            }

            @Override
            public void sendMessage(R message) {
                if (messageSent) { // not unary after all: a second message's write may wait for the window
                    sendHeld();
                    super.sendMessage(message);
                    return;
                }
                messageSent = true;
                answering(() -> super.sendMessage(message));
            }

            @Override
            public void close(Status status, Metadata trailers) {
                try {
                    answering(() -> super.close(status, trailers));
                } finally {
                    sendHeld();
                }
            }
        }, headers);
        return new SimpleForwardingServerCallListener<>(listener) {
            @Override
            public void onMessage(Q message) {
                try {
                    super.onMessage(message);
                } finally {
                    sendHeld();
                }
            }

            @Override
            public void onHalfClose() {
                try {
                    super.onHalfClose();
                } finally {
                    sendHeld();
                }
            }

            @Override
            public void onCancel() {
                try {
                    super.onCancel();
                } finally {
                    sendHeld();
                }
            }

            @Override
            public void onComplete() {
                try {
                    super.onComplete();
                } finally {
                    sendHeld();
                }
            }

            @Override
            public void onReady() {
                try {
                    super.onReady();
                } finally {
                    sendHeld();
                }
            }
        };
    }

    private static void answering(Runnable write) {
        Answer outer = ANSWERING.get();
        ANSWERING.set(new Answer());
        try {
            write.run();
        } catch (RuntimeException | Error e) {
            sendHeld();
            throw e;
        } finally {
            if (outer == null) {
                ANSWERING.remove();
            } else {
                ANSWERING.set(outer);
            }
        }
    }

    /** One of a unary call's sendHeaders, sendMessage or close under way on this thread. */
    private static final class Answer {
        /** A DATA frame has been written: the next one does not start with a message's prefix. */
        private boolean dataWritten;
    }

    /**
     * Sends what this thread's writes left held, if anything. A socket that fails here has lost the
     * connection, which Helidon's reader ends; the call's own code is not the place to hear of it.
     */
    private static void sendHeld() {
        Connection connection = HOLDING.get();
        if (connection == null) {
            return;
        }
        HOLDING.remove();
        try {
            connection.sendHeld();
        } catch (RuntimeException e) {
            LOGGER.log(System.Logger.Level.DEBUG, "Held frames not sent, the connection failed", e);
        }
    }

    /** The connection's socket writer, which holds a unary response's frames until its last. */
    static DataWriter socketWriter(DataWriter socket) {
        return new Connection(socket);
    }

    /**
     * One connection's frames, in the order Helidon writes them, one {@code writeNow} per frame,
     * header first. The lock keeps that order between a frame written (under Helidon's writer lock)
     * and held frames sent from outside it; nothing of Helidon's is called under it but the socket.
     */
    private static final class Connection implements DataWriter {

        private final DataWriter socket;
        private final ReentrantLock lock = new ReentrantLock(); // not synchronized: no pinning on JDK 21 in a socket write
        private List<BufferData> held = new ArrayList<>();
        private int heldBytes;

        Connection(DataWriter socket) {
            this.socket = socket;
        }

        @Override
        public void writeNow(BufferData frame) {
            lock.lock();
            try {
                if (mayHold(frame)) {
                    held.add(frame);
                    heldBytes += frame.available();
                    HOLDING.set(this);
                    return;
                }
                held.add(frame);
                sendHeldLocked();
            } finally {
                lock.unlock();
            }
        }

        /** Not a frame of Helidon's writer (it writes none this way): after what is held, never held. */
        private void writeThrough(BufferData buffer) {
            lock.lock();
            try {
                held.add(buffer);
                sendHeldLocked();
            } finally {
                lock.unlock();
            }
        }

        /**
         * A frame of a unary response, written by the thread answering it: its HEADERS, or the DATA
         * frame of its message if that is the message's first frame and carries it whole. Not the
         * frame that ends the stream (the trailers, which send what is held), nor a CONTINUATION
         * (headers over 16 KiB).
         */
        private boolean mayHold(BufferData frame) {
            Answer answer = ANSWERING.get();
            if (answer == null || frame.available() < FrameHeader.LENGTH) {
                return false;
            }
            FrameHeader header = FrameHeader.read(frame);
            boolean firstData = false;
            if (header.type() == FrameHeader.DATA) {
                firstData = !answer.dataWritten;
                answer.dataWritten = true;
            }
            Connection holding = HOLDING.get();
            if (heldBytes + frame.available() > MAX_HELD_BYTES
                    || holding != null && holding != this // another connection's frames held by this thread: never seen
                    || header.has(FrameHeader.END_STREAM)) {
                return false;
            }
            return header.type() == FrameHeader.HEADERS || firstData && wholeMessage(frame);
        }

        /**
         * The message's first DATA frame carries all of it: its 5-byte prefix (compressed flag,
         * length) announces as many bytes as follow. Then no more DATA of it follows, and no write of
         * the call waits for the window before its trailers.
         */
        private static boolean wholeMessage(BufferData frame) {
            int payload = frame.available() - FrameHeader.LENGTH;
            if (payload < GRPC_PREFIX_LENGTH || (frame.get(FrameHeader.LENGTH) & 0xFF) > 1) {
                return false;
            }
            long length = (frame.get(10) & 0xFFL) << 24 | (frame.get(11) & 0xFF) << 16
                          | (frame.get(12) & 0xFF) << 8 | frame.get(13) & 0xFF;
            return payload == GRPC_PREFIX_LENGTH + length;
        }

        void sendHeld() {
            lock.lock();
            try {
                sendHeldLocked();
            } finally {
                lock.unlock();
            }
        }

        /** What is held, in one write; the list is handed over, not reused. */
        private void sendHeldLocked() {
            if (held.isEmpty()) {
                return;
            }
            BufferData frames = BufferData.create(held);
            held = new ArrayList<>();
            heldBytes = 0;
            socket.writeNow(frames);
        }

        @Override
        public void writeNow(BufferData... buffers) {
            writeThrough(BufferData.create(buffers));
        }

        @Override
        public void write(BufferData... buffers) {
            writeThrough(BufferData.create(buffers));
        }

        @Override
        public void write(BufferData buffer) {
            writeThrough(buffer);
        }

        @Override
        public void flush() {
            sendHeld();
            socket.flush();
        }

        @Override
        public void close() {
            try {
                sendHeld();
            } finally {
                socket.close();
            }
        }
    }
}
