package com.example.orders.server.helidon.http2;

import io.helidon.common.buffers.BufferData;
import io.helidon.common.buffers.DataWriter;

/**
 * A writer between Helidon's HTTP/2 connection writer and the socket that looks at each frame:
 * {@code Http2ConnectionWriter} writes each with one {@link #writeNow(BufferData)}, header and payload
 * in one buffer (its {@code noLockWrite}). It writes nothing through the other methods, which pass on.
 */
abstract class FrameFilter implements DataWriter {

    private final DataWriter next;

    FrameFilter(DataWriter next) {
        this.next = next;
    }

    /** One frame, header first. */
    @Override
    public abstract void writeNow(BufferData frame);

    /** Passes the frame on to the socket (or the next writer). */
    void pass(BufferData frame) {
        next.writeNow(frame);
    }

    @Override
    public void writeNow(BufferData... buffers) {
        next.writeNow(buffers);
    }

    @Override
    public void write(BufferData... buffers) {
        next.write(buffers);
    }

    @Override
    public void write(BufferData buffer) {
        next.write(buffer);
    }

    @Override
    public void flush() {
        next.flush();
    }

    @Override
    public void close() {
        next.close();
    }
}
