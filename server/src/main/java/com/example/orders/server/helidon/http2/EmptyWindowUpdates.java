package com.example.orders.server.helidon.http2;

import io.helidon.common.buffers.BufferData;
import io.helidon.common.buffers.DataWriter;

/**
 * Drops a WINDOW_UPDATE with an increment of 0 on its way to the socket. Helidon 4.5.0 returns the
 * credit of the connection's window through one {@code WindowSizeImpl.Strategy.Bisection} per connection,
 * which adds to a plain {@code int} ({@code delayedIncrement}, lines 353-361) from the threads of all the
 * streams at once ({@code Http2ServerStream}, lines 756 and 777); two threads that pass the watermark
 * together both send it, the second after the first has set it to 0. An increment of 0 is a
 * PROTOCOL_ERROR (RFC 9113 §6.9), which grpc-java's client answers by ending the connection with all its
 * calls: INTERNAL "Received WINDOW_UPDATE with delta 0 for connection stream", 32 calls in 75,600
 * GetOrders at 32 in flight in the benchmark. The same race can lose an increment, a few bytes of the
 * client's window for good; not worked around (docs/helidon-workarounds.md).
 */
final class EmptyWindowUpdates extends FrameFilter {

    private static final System.Logger LOGGER = System.getLogger(EmptyWindowUpdates.class.getName());
    private static final int WINDOW_UPDATE_LENGTH = 4;

    EmptyWindowUpdates(DataWriter socket) {
        super(socket);
    }

    @Override
    public void writeNow(BufferData frame) {
        if (isEmptyWindowUpdate(frame)) {
            LOGGER.log(System.Logger.Level.DEBUG, "Dropped a WINDOW_UPDATE with an increment of 0");
            return;
        }
        pass(frame);
    }

    /** A WINDOW_UPDATE frame, as Helidon writes one (header and payload in one buffer), whose increment is 0. */
    static boolean isEmptyWindowUpdate(BufferData frame) {
        return frame.available() == FrameHeader.LENGTH + WINDOW_UPDATE_LENGTH
               && FrameHeader.read(frame).type() == FrameHeader.WINDOW_UPDATE
               && FrameHeader.uint31(frame.get(9), frame.get(10), frame.get(11), frame.get(12)) == 0;
    }
}
