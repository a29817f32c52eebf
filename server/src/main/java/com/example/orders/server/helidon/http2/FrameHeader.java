package com.example.orders.server.helidon.http2;

import io.helidon.common.buffers.BufferData;

/**
 * The 9-byte header of an HTTP/2 frame (RFC 9113 §4.1), the one place this package reads and writes
 * it: the client's frames as they come off the socket, the server's as Helidon's writer hands them on.
 *
 * @param length   the payload's length, 24 bits
 * @param type     the frame's type (§6)
 * @param flags    the type's flags
 * @param streamId the stream, 31 bits: the reserved bit is ignored when read (§4.1) and written as 0
 */
record FrameHeader(int length, int type, int flags, int streamId) {

    static final int LENGTH = 9;

    static final int DATA = 0x0;
    static final int HEADERS = 0x1;
    static final int RST_STREAM = 0x3;
    static final int WINDOW_UPDATE = 0x8;

    /** On DATA and HEADERS: the sender's last frame on the stream. */
    static final int END_STREAM = 0x1;
    /** On HEADERS: the header block ends in this frame, no CONTINUATION follows. */
    static final int END_HEADERS = 0x4;
    /** On DATA and HEADERS: the payload starts with the padding's length and ends with the padding. */
    static final int PADDED = 0x8;
    /** On HEADERS: 5 bytes of priority come before the header block. */
    static final int PRIORITY = 0x20;

    /** The header in the first 9 bytes of {@code bytes}. */
    static FrameHeader read(byte[] bytes) {
        return new FrameHeader(uint24(bytes[0], bytes[1], bytes[2]), bytes[3] & 0xFF, bytes[4] & 0xFF,
                               uint31(bytes[5], bytes[6], bytes[7], bytes[8]));
    }

    /**
     * The header in the first 9 bytes of {@code frame}, whose position stays where it is. Some kinds of
     * BufferData give a byte from {@code get} signed, others unsigned: each is masked.
     */
    static FrameHeader read(BufferData frame) {
        return new FrameHeader(uint24(frame.get(0), frame.get(1), frame.get(2)), frame.get(3) & 0xFF, frame.get(4) & 0xFF,
                               uint31(frame.get(5), frame.get(6), frame.get(7), frame.get(8)));
    }

    /** The 31-bit number in four bytes, the top bit reserved and ignored: a stream id, a window increment (§6.9). */
    static int uint31(int b0, int b1, int b2, int b3) {
        return (b0 & 0x7F) << 24 | (b1 & 0xFF) << 16 | (b2 & 0xFF) << 8 | b3 & 0xFF;
    }

    private static int uint24(int b0, int b1, int b2) {
        return (b0 & 0xFF) << 16 | (b1 & 0xFF) << 8 | b2 & 0xFF;
    }

    /** Writes the 9 bytes at the start of {@code frame}. */
    void write(byte[] frame) {
        frame[0] = (byte) (length >>> 16);
        frame[1] = (byte) (length >>> 8);
        frame[2] = (byte) length;
        frame[3] = (byte) type;
        frame[4] = (byte) flags;
        frame[5] = (byte) (streamId >>> 24 & 0x7F);
        frame[6] = (byte) (streamId >>> 16);
        frame[7] = (byte) (streamId >>> 8);
        frame[8] = (byte) streamId;
    }

    FrameHeader withLength(int payloadLength) {
        return new FrameHeader(payloadLength, type, flags, streamId);
    }

    boolean has(int flag) {
        return (flags & flag) != 0;
    }

    /** A DATA or HEADERS frame on a stream (not the connection, 0) that is its sender's last on it. */
    boolean endsStream() {
        return (type == DATA || type == HEADERS) && has(END_STREAM) && streamId != 0;
    }
}
