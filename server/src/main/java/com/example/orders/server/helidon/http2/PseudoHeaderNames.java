package com.example.orders.server.helidon.http2;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.Map;

/**
 * A client's HEADERS frame whose pseudo-headers are spelled out by name, made to name them by their
 * index in HPACK's static table. Helidon 4.5.0 refuses a pseudo-header field whose name comes as a
 * literal ({@code Http2Headers.readHeader}: "Received invalid pseudo-header field (or explicit value
 * instead of indexed)") and ends the connection with GOAWAY PROTOCOL_ERROR. RFC 7541 lets an encoder
 * spell out any name (§6.2), and gRPC's C core, the gRPC of Python, C++, Ruby and PHP, spells out
 * {@code :path} and {@code :authority} in the first request on each connection (it indexes them in its
 * dynamic table from then on): without this, none of those clients' calls gets through.
 *
 * <p>The field keeps its kind (with incremental indexing, without, never indexed) and its value, so the
 * dynamic table gets the same entry (same name, same value, same size) as the client's encoder put in
 * its own: the two tables stay in step. A block this cannot parse goes on as it is, for Helidon to refuse.
 */
final class PseudoHeaderNames {

    /** The request pseudo-headers by the index of their name in the static table (RFC 7541, Appendix A). */
    private static final Map<String, Integer> STATIC_INDEX = Map.of(":authority", 1, ":method", 2, ":path", 4, ":scheme", 6);
    private static final int PRIORITY_LENGTH = 5;

    private PseudoHeaderNames() {
    }

    /**
     * {@code frame}, a whole HEADERS frame (header and payload) that carries a whole header block
     * (END_HEADERS), with its pseudo-header names indexed; the same array when there was nothing to change.
     */
    static byte[] inHeadersFrame(byte[] frame) {
        FrameHeader header = FrameHeader.read(frame);
        int start = FrameHeader.LENGTH;
        int padding = 0;
        if (header.has(FrameHeader.PADDED)) {
            if (frame.length <= start) {
                return frame;
            }
            padding = frame[start] & 0xFF;
            start++;
        }
        if (header.has(FrameHeader.PRIORITY)) {
            start += PRIORITY_LENGTH;
        }
        int end = frame.length - padding;
        if (end < start) {
            return frame;
        }
        byte[] block = Arrays.copyOfRange(frame, start, end);
        byte[] indexed = inHeaderBlock(block);
        if (indexed == block) {
            return frame;
        }
        byte[] rewritten = new byte[frame.length - block.length + indexed.length];
        System.arraycopy(frame, 0, rewritten, 0, start);
        System.arraycopy(indexed, 0, rewritten, start, indexed.length);
        System.arraycopy(frame, end, rewritten, start + indexed.length, padding);
        header.withLength(rewritten.length - FrameHeader.LENGTH).write(rewritten);
        return rewritten;
    }

    /** {@code block}, an HPACK header block, with its pseudo-header names indexed; the same array when there was nothing to change. */
    static byte[] inHeaderBlock(byte[] block) {
        ByteArrayOutputStream indexed = new ByteArrayOutputStream(block.length);
        boolean changed = false;
        int position = 0;
        while (position < block.length) {
            int first = block[position] & 0xFF;
            int representation = position;
            int prefixBits;
            int kind;
            if ((first & 0x80) != 0) { // indexed field
                prefixBits = 7;
                kind = -1;
            } else if ((first & 0xC0) == 0x40) { // literal, with incremental indexing
                prefixBits = 6;
                kind = 0x40;
            } else if ((first & 0xE0) == 0x20) { // dynamic table size update
                prefixBits = 5;
                kind = -1;
            } else { // literal, without indexing (0x00) or never indexed (0x10)
                prefixBits = 4;
                kind = first & 0xF0;
            }
            Hpack.Read index = Hpack.integer(block, position, prefixBits);
            if (index == null) {
                return block;
            }
            position = index.end();
            if (kind < 0) {
                indexed.write(block, representation, position - representation);
                continue;
            }
            Integer staticIndex = null;
            if (index.value() == 0) { // the name spelled out, then the value
                int nameStart = position;
                position = Hpack.stringEnd(block, position);
                if (position < 0) {
                    return block;
                }
                String name = Hpack.string(block, nameStart, position);
                staticIndex = name == null ? null : STATIC_INDEX.get(name);
            }
            int valueStart = position;
            position = Hpack.stringEnd(block, position);
            if (position < 0) {
                return block;
            }
            if (staticIndex == null) {
                indexed.write(block, representation, position - representation);
            } else {
                indexed.write(kind | staticIndex); // every static index here fits the 4-bit prefix
                indexed.write(block, valueStart, position - valueStart);
                changed = true;
            }
        }
        return changed ? indexed.toByteArray() : block;
    }
}
