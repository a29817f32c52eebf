package com.example.orders.server.helidon.http2;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.helidon.common.buffers.BufferData;
import io.helidon.http.http2.Http2Flag;
import io.helidon.http.http2.Http2FrameData;
import io.helidon.http.http2.Http2Settings;
import io.helidon.http.http2.Http2WindowUpdate;

import org.junit.jupiter.api.Test;

/**
 * The WINDOW_UPDATE frames the connection's writer drops. Helidon sends one with an increment of 0
 * only when two streams' threads race in its connection window (see Http2ConnectionFixes), which no
 * test can bring about on demand: the frames are made here as Helidon's writer makes them.
 */
class Http2ConnectionFixesTest {

    @Test
    void aWindowUpdateOfZeroIsDropped() {
        assertTrue(Http2ConnectionFixes.emptyWindowUpdate(asHelidonWritesIt(0, 0)), "connection");
        assertTrue(Http2ConnectionFixes.emptyWindowUpdate(asHelidonWritesIt(7, 0)), "stream");
    }

    @Test
    void everyOtherWindowUpdateGoesOut() {
        for (int increment : new int[] {1, 255, 256, 65_535, 1 << 24, Integer.MAX_VALUE}) {
            assertFalse(Http2ConnectionFixes.emptyWindowUpdate(asHelidonWritesIt(0, increment)), "increment " + increment);
        }
    }

    /** Http2ConnectionWriter.noLockWrite: the frame's header and payload in one buffer. */
    private static BufferData asHelidonWritesIt(int streamId, int increment) {
        Http2FrameData frame = new Http2WindowUpdate(increment)
                .toFrameData(Http2Settings.create(), streamId, Http2Flag.NoFlags.create());
        return BufferData.create(frame.header().write(), frame.data().copy());
    }
}
