package com.example.orders.server.helidon.http2;

import io.helidon.common.buffers.BufferData;
import io.helidon.common.buffers.DataWriter;

/**
 * The writes of one call's messages, which {@link #interrupt()} stops while they wait for the client's
 * flow-control window, but never inside a socket write; once interrupted, the call writes no more.
 *
 * <p>Helidon 4.5.0 does not wake a write waiting for the window when the client resets the stream
 * (see {@link InterruptWritesOnCancel}); only an interrupt ends that wait before flow-control-timeout. But
 * the same thread writes the frames to the socket itself, and an interrupt that reaches it there closes
 * the connection's socket channel ({@code AbstractInterruptibleChannel}): every other call on the
 * connection fails with UNAVAILABLE. A client that cancels an export while the server is writing it
 * would see that often. So the connection's socket writer ({@link #socketWriter}, put in place by
 * {@link Http2Connections}) holds back an interrupt that comes during a socket write, or is
 * pending when one starts, until that write has ended.
 *
 * <p>Helidon calls the socket writer on the call's own thread with nothing but bytes, so the thread is
 * the only link from the call to it: {@link #run} marks the thread with the call's writes. Not the same
 * mark as {@link UnaryResponse}'s, though both say which call a thread writes for: they mark different
 * writes (every call's messages; a unary call's headers, message and trailers) for fixes of two
 * defects, and each goes when Helidon fixes its own.
 */
final class InterruptibleWrites {

    private static final ThreadLocal<InterruptibleWrites> WRITING = new ThreadLocal<>();

    private Thread writer;
    private boolean inSocket;
    private boolean interruptHeld;
    /** The call was cancelled: a write that starts now would wait for a window that never comes. */
    private boolean stopped;

    /**
     * Runs a write of the call's on this thread; {@link #interrupt()} may stop it until it returns.
     * After {@link #interrupt()}, does nothing.
     */
    void run(Runnable write) {
        synchronized (this) {
            if (stopped) {
                return;
            }
            writer = Thread.currentThread();
        }
        WRITING.set(this);
        try {
            write.run();
        } finally {
            WRITING.remove();
            synchronized (this) {
                writer = null;
                interruptHeld = false;
                Thread.interrupted(); // an interrupt meant for this write goes no further
            }
        }
    }

    /**
     * Interrupts the write under way, if any: at once, or once its socket write has ended; the writes
     * that would start later are not made.
     */
    synchronized void interrupt() {
        stopped = true;
        if (writer == null) {
            return;
        }
        if (inSocket) {
            interruptHeld = true;
        } else {
            writer.interrupt();
        }
    }

    private synchronized void enterSocket() {
        inSocket = true;
        if (Thread.interrupted()) {
            interruptHeld = true;
        }
    }

    private synchronized void leaveSocket() {
        inSocket = false;
        if (interruptHeld) {
            interruptHeld = false;
            writer.interrupt();
        }
    }

    /** The connection's socket writer, whose writes no interrupt of a call's write reaches. */
    static DataWriter socketWriter(DataWriter socket) {
        return new DataWriter() {
            @Override
            public void write(BufferData... buffers) {
                uninterrupted(() -> socket.write(buffers));
            }

            @Override
            public void write(BufferData buffer) {
                uninterrupted(() -> socket.write(buffer));
            }

            @Override
            public void writeNow(BufferData... buffers) {
                uninterrupted(() -> socket.writeNow(buffers));
            }

            @Override
            public void writeNow(BufferData buffer) {
                uninterrupted(() -> socket.writeNow(buffer));
            }

            @Override
            public void flush() {
                uninterrupted(socket::flush);
            }

            @Override
            public void close() {
                uninterrupted(socket::close);
            }
        };
    }

    private static void uninterrupted(Runnable socketWrite) {
        InterruptibleWrites write = WRITING.get();
        if (write == null) { // not a call's write: the connection's own frames
            socketWrite.run();
            return;
        }
        write.enterSocket();
        try {
            socketWrite.run();
        } finally {
            write.leaveSocket();
        }
    }
}
