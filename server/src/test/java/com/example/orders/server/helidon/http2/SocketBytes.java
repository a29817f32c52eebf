package com.example.orders.server.helidon.http2;

import java.io.ByteArrayOutputStream;

import io.helidon.common.buffers.BufferData;
import io.helidon.common.buffers.DataWriter;

/** A socket that keeps what reaches it: each write's bytes, in order. */
final class SocketBytes implements DataWriter {

    private final ByteArrayOutputStream written = new ByteArrayOutputStream();
    private int writes;

    byte[] written() {
        return written.toByteArray();
    }

    int writes() {
        return writes;
    }

    @Override
    public void write(BufferData... buffers) {
        for (BufferData buffer : buffers) {
            write(buffer);
        }
    }

    @Override
    public void write(BufferData buffer) {
        byte[] bytes = new byte[buffer.available()];
        buffer.read(bytes);
        written.writeBytes(bytes);
        writes++;
    }

    @Override
    public void writeNow(BufferData... buffers) {
        write(buffers);
    }

    @Override
    public void writeNow(BufferData buffer) {
        write(buffer);
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
    }
}
