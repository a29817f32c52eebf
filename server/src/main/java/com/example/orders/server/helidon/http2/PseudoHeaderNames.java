package com.example.orders.server.helidon.http2;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;

import io.helidon.common.buffers.BufferData;
import io.helidon.http.http2.Http2HuffmanDecoder;

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
    private static final int FRAME_HEADER_LENGTH = 9;
    private static final int PADDED = 0x8;
    private static final int PRIORITY = 0x20;
    private static final int PRIORITY_LENGTH = 5;
    /** An HPACK integer this large is no index or length a request has: the block is left to Helidon. */
    private static final long MAX_INTEGER = 1 << 24;

    private PseudoHeaderNames() {
    }

    /**
     * {@code frame}, a whole HEADERS frame (header and payload) that carries a whole header block
     * (END_HEADERS), with its pseudo-header names indexed; the same array when there was nothing to change.
     */
    static byte[] inHeadersFrame(byte[] frame) {
        int flags = frame[4];
        int start = FRAME_HEADER_LENGTH;
        int padding = 0;
        if ((flags & PADDED) != 0) {
            if (frame.length <= start) {
                return frame;
            }
            padding = frame[start] & 0xFF;
            start++;
        }
        if ((flags & PRIORITY) != 0) {
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
        int length = rewritten.length - FRAME_HEADER_LENGTH;
        rewritten[0] = (byte) (length >>> 16);
        rewritten[1] = (byte) (length >>> 8);
        rewritten[2] = (byte) length;
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
            Number index = readInteger(block, position, prefixBits);
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
                position = skipString(block, position);
                if (position < 0) {
                    return block;
                }
                String name = name(block, nameStart, position);
                staticIndex = name == null ? null : STATIC_INDEX.get(name);
            }
            int valueStart = position;
            position = skipString(block, position);
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

    /** An HPACK integer (RFC 7541 §5.1) and the position after it. */
    private record Number(long value, int end) {
    }

    /** The HPACK integer at {@code position}; null when malformed. */
    private static Number readInteger(byte[] block, int position, int prefixBits) {
        int max = (1 << prefixBits) - 1;
        long value = block[position] & max;
        position++;
        if (value < max) {
            return new Number(value, position);
        }
        int shift = 0;
        while (position < block.length && shift <= 28) {
            int next = block[position++] & 0xFF;
            value += (long) (next & 0x7F) << shift;
            if (value > MAX_INTEGER) {
                return null;
            }
            if ((next & 0x80) == 0) {
                return new Number(value, position);
            }
            shift += 7;
        }
        return null;
    }

    /** Where the string literal (RFC 7541 §5.2) at {@code position} ends; -1 when it runs past the block. */
    private static int skipString(byte[] block, int position) {
        if (position >= block.length) {
            return -1;
        }
        Number length = readInteger(block, position, 7);
        if (length == null || length.end() + length.value() > block.length) {
            return -1;
        }
        return (int) (length.end() + length.value());
    }

    /** The string literal from {@code start} to {@code end}, Huffman-decoded when it is so coded; null when it does not decode. */
    private static String name(byte[] block, int start, int end) {
        int offset = readInteger(block, start, 7).end();
        if ((block[start] & 0x80) == 0) {
            return new String(block, offset, end - offset, StandardCharsets.ISO_8859_1);
        }
        try {
            return Http2HuffmanDecoder.create().decodeString(BufferData.create(block, offset, end - offset), end - offset);
        } catch (RuntimeException e) {
            return null;
        }
    }
}
