package com.example.orders.server.helidon.http2;

import static com.example.orders.server.helidon.http2.FrameHeader.END_HEADERS;
import static com.example.orders.server.helidon.http2.FrameHeader.END_STREAM;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import io.helidon.common.buffers.BufferData;
import io.helidon.common.buffers.DataReader;
import io.helidon.common.buffers.DataWriter;

import org.junit.jupiter.api.Test;

/**
 * The client's bytes as Helidon reads them through the connection's reader (ClientFrames), with the
 * server's frames written through the connection's writer (Http2Connections.serverFrames) in between:
 * which RST_STREAM frames are dropped (ClosedStreamResets), and the header blocks PseudoHeaderNames
 * rewrites.
 */
class ClientFramesTest {

    private static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    /** POST, http, "/": all indexed, nothing to rewrite. */
    private static final byte[] INDEXED_BLOCK = {(byte) 0x83, (byte) 0x86, (byte) 0x84};
    private static final byte[] CANCEL = {0, 0, 0, 8};

    private final ClosedStreamResets streams = new ClosedStreamResets();
    private final DataWriter server = Http2Connections.serverFrames(new SocketBytes(), streams);

    @Test
    void aResetForAStreamBothSidesEndedOrTheClientResetAlreadyIsDropped() {
        ClientFrames client = reading(frame(FrameHeader.HEADERS, END_HEADERS | END_STREAM, 1, INDEXED_BLOCK),
                                      frame(FrameHeader.HEADERS, END_HEADERS, 3, INDEXED_BLOCK),
                                      frame(FrameHeader.RST_STREAM, 0, 1, CANCEL),
                                      frame(FrameHeader.RST_STREAM, 0, 3, CANCEL),
                                      frame(FrameHeader.RST_STREAM, 0, 3, CANCEL));
        assertArrayEquals(PREFACE, client.get());
        assertArrayEquals(frame(FrameHeader.HEADERS, END_HEADERS | END_STREAM, 1, INDEXED_BLOCK), client.get());
        assertArrayEquals(frame(FrameHeader.HEADERS, END_HEADERS, 3, INDEXED_BLOCK), client.get());
        server.writeNow(BufferData.create(frame(FrameHeader.HEADERS, END_HEADERS | END_STREAM, 1, INDEXED_BLOCK)));

        assertArrayEquals(frame(FrameHeader.RST_STREAM, 0, 3, CANCEL), client.get(), "stream 1's, both ends seen, is dropped");
        assertThrows(DataReader.InsufficientDataAvailableException.class, client::get, "the second for stream 3 is dropped");
    }

    @Test
    void aResetForAStreamOneSideHasEndedGoesOn() {
        ClientFrames client = reading(frame(FrameHeader.HEADERS, END_HEADERS | END_STREAM, 1, INDEXED_BLOCK),
                                      frame(FrameHeader.HEADERS, END_HEADERS, 3, INDEXED_BLOCK),
                                      frame(FrameHeader.RST_STREAM, 0, 1, CANCEL),
                                      frame(FrameHeader.RST_STREAM, 0, 3, CANCEL));
        client.get();
        client.get();
        client.get();
        server.writeNow(BufferData.create(frame(FrameHeader.HEADERS, END_HEADERS | END_STREAM, 3, INDEXED_BLOCK)));

        assertArrayEquals(frame(FrameHeader.RST_STREAM, 0, 1, CANCEL), client.get(), "only the client ended stream 1");
        assertArrayEquals(frame(FrameHeader.RST_STREAM, 0, 3, CANCEL), client.get(), "only the server ended stream 3");
    }

    /** The stream the server resets waits for the client's answer (Helidon's locally reset streams). */
    @Test
    void theClientsResetOfAStreamTheServerResetGoesOn() {
        ClientFrames client = reading(frame(FrameHeader.HEADERS, END_HEADERS | END_STREAM, 1, INDEXED_BLOCK),
                                      frame(FrameHeader.RST_STREAM, 0, 1, CANCEL));
        client.get();
        client.get();
        server.writeNow(BufferData.create(frame(FrameHeader.RST_STREAM, 0, 1, CANCEL)));

        assertArrayEquals(frame(FrameHeader.RST_STREAM, 0, 1, CANCEL), client.get());
    }

    @Test
    void pseudoHeaderNamesSpelledOutAreIndexed() {
        byte[] path = "/x".getBytes(StandardCharsets.US_ASCII);
        byte[] spelledOut = concat(new byte[] {0x40, 5}, ":path".getBytes(StandardCharsets.US_ASCII), new byte[] {2}, path);
        byte[] indexed = concat(new byte[] {0x44, 2}, path);
        ClientFrames client = reading(frame(FrameHeader.HEADERS, END_HEADERS, 1, spelledOut));
        client.get();

        assertArrayEquals(frame(FrameHeader.HEADERS, END_HEADERS, 1, indexed), client.get());
    }

    /** Frames other than RST_STREAM and small HEADERS go on header first, so that Helidon checks their length. */
    @Test
    void aDataFrameGoesOnHeaderFirst() {
        byte[] payload = new byte[20_000];
        Arrays.fill(payload, (byte) 7);
        byte[] data = frame(FrameHeader.DATA, END_STREAM, 1, payload);
        ClientFrames client = reading(data);
        client.get();

        assertArrayEquals(Arrays.copyOf(data, FrameHeader.LENGTH), client.get());
        assertArrayEquals(payload, client.get());
    }

    /** The connection's reader of these frames, after the preface; the client's bytes end after them. */
    private ClientFrames reading(byte[]... frames) {
        byte[][] chunks = {concat(PREFACE, concat(frames)), null};
        int[] next = {0};
        return new ClientFrames(DataReader.create(() -> chunks[next[0]++]), streams);
    }

    private static byte[] frame(int type, int flags, int streamId, byte[] payload) {
        byte[] frame = concat(new byte[FrameHeader.LENGTH], payload);
        new FrameHeader(payload.length, type, flags, streamId).write(frame);
        return frame;
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream joined = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            joined.writeBytes(part);
        }
        return joined.toByteArray();
    }
}
