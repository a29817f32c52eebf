package com.example.orders.server.helidon.http2;

import static com.example.orders.server.helidon.http2.FrameHeaderTest.asHelidonWritesIt;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;

import io.helidon.common.buffers.BufferData;
import io.helidon.common.buffers.DataWriter;
import io.helidon.http.http2.Http2ErrorCode;
import io.helidon.http.http2.Http2Flag;
import io.helidon.http.http2.Http2FrameData;
import io.helidon.http.http2.Http2RstStream;
import io.helidon.http.http2.Http2Settings;
import io.helidon.http.http2.Http2WindowUpdate;

import org.junit.jupiter.api.Test;

/**
 * The bytes that reach the socket through the connection's writer (Http2Connections.serverFrames) when
 * Helidon writes WINDOW_UPDATE frames. Helidon sends one with an increment of 0 only when two streams'
 * threads race in its connection window (see EmptyWindowUpdates), which no test can bring about on
 * demand: the frames are made here as Helidon's writer makes them.
 */
class EmptyWindowUpdatesTest {

    private final SocketBytes socket = new SocketBytes();
    private final DataWriter connection = Http2Connections.serverFrames(socket, new ClosedStreamResets());

    @Test
    void aWindowUpdateOfZeroNeverReachesTheSocket() {
        connection.writeNow(asHelidonWritesIt(windowUpdate(0, 0)));
        connection.writeNow(asHelidonWritesIt(windowUpdate(7, 0)));
        assertEquals(0, socket.written().length);
    }

    @Test
    void everyOtherWindowUpdateReachesTheSocketAsItIs() {
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        for (int increment : new int[] {1, 255, 256, 65_535, 1 << 24, Integer.MAX_VALUE}) {
            expected.writeBytes(bytes(windowUpdate(0, increment)));
            connection.writeNow(asHelidonWritesIt(windowUpdate(0, increment)));
        }
        assertArrayEquals(expected.toByteArray(), socket.written());
    }

    /** Frames as long as a WINDOW_UPDATE whose payload is 0 too: a RST_STREAM NO_ERROR, a DATA frame of 4 zeros. */
    @Test
    void otherFramesOfFourZeroBytesReachTheSocket() {
        byte[] reset = bytes(new Http2RstStream(Http2ErrorCode.NO_ERROR).toFrameData(Http2Settings.create(), 3,
                                                                                     Http2Flag.NoFlags.create()));
        byte[] data = {0, 0, 4, FrameHeader.DATA, 0, 0, 0, 0, 5, 0, 0, 0, 0};
        connection.writeNow(BufferData.create(reset));
        connection.writeNow(BufferData.create(data));
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        expected.writeBytes(reset);
        expected.writeBytes(data);
        assertArrayEquals(expected.toByteArray(), socket.written());
    }

    private static Http2FrameData windowUpdate(int streamId, int increment) {
        return new Http2WindowUpdate(increment).toFrameData(Http2Settings.create(), streamId, Http2Flag.NoFlags.create());
    }

    private static byte[] bytes(Http2FrameData frame) {
        BufferData whole = asHelidonWritesIt(frame);
        byte[] bytes = new byte[whole.available()];
        whole.read(bytes);
        return bytes;
    }
}
