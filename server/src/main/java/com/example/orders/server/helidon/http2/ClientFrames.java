package com.example.orders.server.helidon.http2;

import java.util.Arrays;
import java.util.function.Supplier;

import io.helidon.common.buffers.DataReader;
import io.helidon.http.http2.Http2Util;

/**
 * The client's bytes as they come, frame by frame, without its RST_STREAM frames for closed streams
 * ({@link ClosedStreamResets}), and with the pseudo-header names of its header blocks indexed
 * ({@link PseudoHeaderNames}). Only a RST_STREAM frame, and a HEADERS frame that holds a whole header
 * block in at most 16 KiB, is read whole before it is passed on: the rest go on as they arrive, so that
 * Helidon still checks a frame's length before its payload is read. A header block continued in
 * CONTINUATION frames goes on as it is.
 */
final class ClientFrames implements Supplier<byte[]> {

    private static final System.Logger LOGGER = System.getLogger(ClientFrames.class.getName());
    private static final int RST_STREAM_LENGTH = 4;
    /** SETTINGS_MAX_FRAME_SIZE at its least, and Helidon's default: a frame no larger is read whole before it goes on. */
    private static final int MIN_MAX_FRAME_SIZE = 16_384;

    private final DataReader client;
    private final ClosedStreamResets streams;
    private boolean prefaceRead;
    private int payloadLeft;

    ClientFrames(DataReader client, ClosedStreamResets streams) {
        this.client = client;
        this.streams = streams;
    }

    /** Blocks like any read of the connection; at the end of the client's bytes, throws as the client's reader does. */
    @Override
    public byte[] get() {
        if (!prefaceRead) { // Helidon's selector has every connection read the client preface first
            prefaceRead = true;
            return client.readBytes(Http2Util.PREFACE_LENGTH);
        }
        while (true) {
            if (payloadLeft > 0) {
                client.ensureAvailable();
                int length = Math.min(payloadLeft, client.available());
                payloadLeft -= length;
                return client.readBytes(length);
            }
            byte[] bytes = client.readBytes(FrameHeader.LENGTH);
            FrameHeader header = FrameHeader.read(bytes);
            int length = header.length();
            int streamId = header.streamId();
            if (header.type() != FrameHeader.RST_STREAM || length != RST_STREAM_LENGTH || streamId == 0) {
                if (header.endsStream()) {
                    streams.clientEnded(streamId);
                }
                if (header.type() == FrameHeader.HEADERS && header.has(FrameHeader.END_HEADERS) && length <= MIN_MAX_FRAME_SIZE) {
                    return PseudoHeaderNames.inHeadersFrame(withPayload(bytes, length));
                }
                payloadLeft = length;
                return bytes;
            }
            byte[] frame = withPayload(bytes, RST_STREAM_LENGTH);
            if (!streams.dropClientReset(streamId)) {
                return frame;
            }
            LOGGER.log(System.Logger.Level.DEBUG, () -> "Dropped the client's RST_STREAM for closed stream " + streamId);
        }
    }

    /** The frame whose header is {@code header}, its payload read. */
    private byte[] withPayload(byte[] header, int length) {
        byte[] frame = Arrays.copyOf(header, FrameHeader.LENGTH + length);
        System.arraycopy(client.readBytes(length), 0, frame, FrameHeader.LENGTH, length);
        return frame;
    }
}
