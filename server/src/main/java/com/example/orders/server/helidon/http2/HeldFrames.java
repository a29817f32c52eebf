package com.example.orders.server.helidon.http2;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

import io.helidon.common.buffers.BufferData;
import io.helidon.common.buffers.DataWriter;

/**
 * One connection's socket writer, which holds a unary response's frames until its last
 * ({@link UnaryResponseWrites}). Frames come in the order Helidon writes them, one {@code writeNow} per
 * frame, header first. The lock keeps that order between a frame written (under Helidon's writer lock)
 * and held frames sent from outside it; nothing of Helidon's is called under it but the socket.
 */
final class HeldFrames implements DataWriter {

    /** Held bytes at most; beyond, the frames go out. Frames are at most 16 KiB unless the client allows more. */
    static final int MAX_HELD_BYTES = 64 * 1024;
    private static final int GRPC_PREFIX_LENGTH = 5;

    private final DataWriter socket;
    private final ReentrantLock lock = new ReentrantLock(); // not synchronized: no pinning on JDK 21 in a socket write
    private List<BufferData> held = new ArrayList<>();
    private int heldBytes;

    HeldFrames(DataWriter socket) {
        this.socket = socket;
    }

    @Override
    public void writeNow(BufferData frame) {
        lock.lock();
        try {
            UnaryResponse.Write write = UnaryResponse.current();
            if (mayHold(write, frame)) {
                held.add(frame);
                heldBytes += frame.available();
                write.heldBy(this);
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
     * A frame of a unary response, written in one of its writes: its HEADERS, or the DATA frame of its
     * message if that is the message's first frame and carries it whole. Not the frame that ends the
     * stream (the trailers, which send what is held), nor a CONTINUATION (headers over 16 KiB).
     */
    private boolean mayHold(UnaryResponse.Write write, BufferData frame) {
        if (write == null || frame.available() < FrameHeader.LENGTH) {
            return false;
        }
        FrameHeader header = FrameHeader.read(frame);
        boolean firstData = header.type() == FrameHeader.DATA && write.firstData();
        if (heldBytes + frame.available() > MAX_HELD_BYTES || header.has(FrameHeader.END_STREAM)) {
            return false;
        }
        return header.type() == FrameHeader.HEADERS || firstData && wholeMessage(frame);
    }

    /**
     * The message's first DATA frame carries all of it: its 5-byte prefix (compressed flag, length)
     * announces as many bytes as follow. Then no more DATA of it follows, and no write of the call
     * waits for the window before its trailers.
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
