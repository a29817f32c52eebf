package com.example.orders.server.helidon.http2;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;

import io.helidon.common.buffers.BufferData;
import io.helidon.http.http2.Http2ErrorCode;
import io.helidon.http.http2.Http2Flag;
import io.helidon.http.http2.Http2FrameData;
import io.helidon.http.http2.Http2RstStream;
import io.helidon.http.http2.Http2Settings;
import io.helidon.http.http2.Http2WindowUpdate;

import org.junit.jupiter.api.Test;

/** The frame header, byte by byte, and against the frames Helidon's own classes write. */
class FrameHeaderTest {

    /** Length 0x123456, HEADERS, END_STREAM and END_HEADERS, stream 0x7F010203. */
    private static final byte[] HEADERS_FRAME = {0x12, 0x34, 0x56, 0x01, 0x05, 0x7F, 0x01, 0x02, 0x03};

    @Test
    void readsEachField() {
        assertEquals(new FrameHeader(0x123456, FrameHeader.HEADERS, 0x05, 0x7F010203), FrameHeader.read(HEADERS_FRAME));
    }

    @Test
    void writesWhatItReads() {
        byte[] written = new byte[FrameHeader.LENGTH];
        FrameHeader.read(HEADERS_FRAME).write(written);
        assertArrayEquals(HEADERS_FRAME, written);
    }

    @Test
    void writingLeavesThePayloadAlone() {
        byte[] frame = {0, 0, 0, 0, 0, 0, 0, 0, 0, 42, 43};
        new FrameHeader(2, FrameHeader.DATA, FrameHeader.END_STREAM, 3).write(frame);
        assertArrayEquals(new byte[] {0, 0, 2, 0, 1, 0, 0, 0, 3, 42, 43}, frame);
    }

    @Test
    void theStreamIdsReservedBitIsIgnoredWhenReadAndWrittenAsZero() {
        byte[] reserved = {0, 0, 4, FrameHeader.RST_STREAM, 0, (byte) 0x80, 0, 0, 1};
        FrameHeader header = FrameHeader.read(reserved);
        assertEquals(1, header.streamId());
        byte[] written = new byte[FrameHeader.LENGTH];
        header.write(written);
        assertEquals(0, written[5]);
    }

    /** The largest length, flags and stream id: every byte's top bit set. */
    @Test
    void readsTheSameFromEveryKindOfBuffer() {
        byte[] ones = new byte[FrameHeader.LENGTH];
        Arrays.fill(ones, (byte) 0xFF);
        FrameHeader expected = new FrameHeader(0xFFFFFF, 0xFF, 0xFF, 0x7FFFFFFF);
        assertEquals(expected, FrameHeader.read(ones));
        assertEquals(expected, FrameHeader.read(BufferData.create(ones)), "an array's, whose get is signed");
        assertEquals(expected, FrameHeader.read(BufferData.createReadOnly(ones, 0, ones.length)), "read-only, whose get is unsigned");
        assertEquals(expected, FrameHeader.read(BufferData.create(List.of(BufferData.create(Arrays.copyOf(ones, 4)),
                                                                        BufferData.create(Arrays.copyOfRange(ones, 4, 9))))),
                     "composite, as Helidon's writer joins header and payload");
    }

    @Test
    void readingABufferLeavesItsPositionAlone() {
        BufferData frame = BufferData.create(HEADERS_FRAME);
        FrameHeader.read(frame);
        assertEquals(FrameHeader.LENGTH, frame.available());
    }

    @Test
    void readsTheFramesHelidonWrites() {
        assertEquals(new FrameHeader(4, FrameHeader.WINDOW_UPDATE, 0, 7),
                     FrameHeader.read(asHelidonWritesIt(new Http2WindowUpdate(1000).toFrameData(Http2Settings.create(), 7,
                                                                                            Http2Flag.NoFlags.create()))));
        assertEquals(new FrameHeader(4, FrameHeader.RST_STREAM, 0, Integer.MAX_VALUE),
                     FrameHeader.read(asHelidonWritesIt(new Http2RstStream(Http2ErrorCode.CANCEL).toFrameData(
                             Http2Settings.create(), Integer.MAX_VALUE, Http2Flag.NoFlags.create()))));
    }

    @Test
    void flags() {
        FrameHeader header = new FrameHeader(0, FrameHeader.HEADERS, FrameHeader.END_HEADERS | FrameHeader.PADDED, 1);
        assertTrue(header.has(FrameHeader.END_HEADERS));
        assertTrue(header.has(FrameHeader.PADDED));
        assertFalse(header.has(FrameHeader.END_STREAM));
        assertFalse(header.has(FrameHeader.PRIORITY));
    }

    @Test
    void onlyDataAndHeadersEndAStream() {
        assertTrue(new FrameHeader(0, FrameHeader.DATA, FrameHeader.END_STREAM, 1).endsStream());
        assertTrue(new FrameHeader(0, FrameHeader.HEADERS, FrameHeader.END_STREAM | FrameHeader.END_HEADERS, 1).endsStream());
        assertFalse(new FrameHeader(0, FrameHeader.DATA, 0, 1).endsStream(), "without END_STREAM");
        assertFalse(new FrameHeader(0, FrameHeader.HEADERS, FrameHeader.END_HEADERS, 1).endsStream(), "without END_STREAM");
        assertFalse(new FrameHeader(4, FrameHeader.WINDOW_UPDATE, 0x1, 1).endsStream(), "0x1 is no END_STREAM there");
        assertFalse(new FrameHeader(8, 0x6, 0x1, 0).endsStream(), "a PING's ACK");
        assertFalse(new FrameHeader(0, FrameHeader.DATA, FrameHeader.END_STREAM, 0).endsStream(), "the connection is no stream");
    }

    @Test
    void theWindowIncrementIsThirtyOneBits() {
        assertEquals(0, FrameHeader.uint31(0x80, 0, 0, 0));
        assertEquals(Integer.MAX_VALUE, FrameHeader.uint31(0xFF, 0xFF, 0xFF, 0xFF));
        assertEquals(Integer.MAX_VALUE, FrameHeader.uint31(-1, -1, -1, -1));
        assertEquals(0x01020304, FrameHeader.uint31(1, 2, 3, 4));
    }

    /** Http2ConnectionWriter.noLockWrite: the frame's header and payload in one buffer. */
    static BufferData asHelidonWritesIt(Http2FrameData frame) {
        return BufferData.create(frame.header().write(), frame.data().copy());
    }
}
