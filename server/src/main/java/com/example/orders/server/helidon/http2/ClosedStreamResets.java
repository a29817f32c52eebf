package com.example.orders.server.helidon.http2;

import java.util.LinkedHashMap;
import java.util.Map;

import io.helidon.common.buffers.BufferData;
import io.helidon.common.buffers.DataWriter;

/**
 * Drops a client's RST_STREAM for a closed stream, one the client has reset already or one both sides
 * have ended, before Helidon reads it. Helidon 4.5.0 forgets a stream once it is closed
 * ({@code Http2Connection.rstStream}, its finally block, lines 1012-1015; {@code StreamRunnable},
 * lines 1136-1141); a RST_STREAM for it then, once the client has opened a newer stream, is taken for
 * one on a stream never opened ({@code Http2Connection.stream}, lines 1038-1046: "Stream N was never
 * created and has lower ID than last", or {@code Http2ServerStream.rstStream}, lines 205-209: "Received
 * RST_STREAM for stream N in IDLE state"), and Helidon ends the connection with GOAWAY PROTOCOL_ERROR
 * ({@code Http2Connection.handle}), failing every call on it. Clients send such frames as a matter of
 * course: grpc-java (Netty) answers each DATA frame that reaches it after it has reset a stream (a
 * cancelled export's) with another RST_STREAM, and a client that cancels a call (at its deadline, say)
 * while the server's last frame is on its way sends its RST_STREAM after the stream has ended. But a
 * stream below the newest one is not idle, it is closed (RFC 9113 §5.1.1); PROTOCOL_ERROR is for a
 * RST_STREAM on an idle stream (§6.4); a RST_STREAM may come after the frame that closed the stream
 * was sent (§5.1, "closed"), and is never answered (§5.4.2).
 *
 * <p>One per connection: told of the streams' ends by the client's frames ({@link ClientFrames}) and
 * the server's ({@link #serverFrames}), it says which of the client's RST_STREAM frames to drop.
 */
final class ClosedStreamResets {

    private static final int CLIENT_ENDED = 1;
    private static final int SERVER_ENDED = 2;
    /**
     * Closed streams remembered. A client's RST_STREAM comes about a round trip after the stream
     * closed; one for a stream this many closures back goes to Helidon as it is.
     */
    private static final int CLOSED_REMEMBERED = 4096;
    /** Streams with one end seen, at most; beyond, the oldest is let go (its RST_STREAM goes to Helidon). */
    private static final int HALF_CLOSED_REMEMBERED = 4096;

    private final Map<Integer, Integer> halfClosed = new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Integer, Integer> eldest) {
            return size() > HALF_CLOSED_REMEMBERED;
        }
    };
    private final int[] closed = new int[CLOSED_REMEMBERED];
    private int nextClosed;

    /** The client's last frame on the stream (END_STREAM). */
    synchronized void clientEnded(int streamId) {
        ended(streamId, CLIENT_ENDED);
    }

    /** The client's RST_STREAM for the stream: true if it is to be dropped, the stream being closed; otherwise it closes it. */
    synchronized boolean dropClientReset(int streamId) {
        for (int id : closed) {
            if (id == streamId) {
                return true;
            }
        }
        halfClosed.remove(streamId);
        close(streamId);
        return false;
    }

    /**
     * The socket writer, told of the frames the server ends or resets a stream with. A frame's end is
     * noted before it is written, so before Helidon can forget the stream.
     */
    DataWriter serverFrames(DataWriter socket) {
        return new FrameFilter(socket) {
            @Override
            public void writeNow(BufferData frame) {
                if (frame.available() >= FrameHeader.LENGTH) {
                    FrameHeader header = FrameHeader.read(frame);
                    if (header.streamId() != 0 && header.type() == FrameHeader.RST_STREAM) {
                        serverReset(header.streamId());
                    } else if (header.endsStream()) {
                        serverEnded(header.streamId());
                    }
                }
                pass(frame);
            }
        };
    }

    private synchronized void serverEnded(int streamId) {
        ended(streamId, SERVER_ENDED);
    }

    /** Helidon waits for the client's answer to its reset (its locally reset streams): that goes through. */
    private synchronized void serverReset(int streamId) {
        halfClosed.remove(streamId);
    }

    private void ended(int streamId, int side) {
        if (halfClosed.merge(streamId, side, (a, b) -> a | b) == (CLIENT_ENDED | SERVER_ENDED)) {
            halfClosed.remove(streamId);
            close(streamId);
        }
    }

    private void close(int streamId) {
        closed[nextClosed] = streamId;
        nextClosed = (nextClosed + 1) % closed.length;
    }
}
