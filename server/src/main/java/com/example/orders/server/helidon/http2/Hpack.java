package com.example.orders.server.helidon.http2;

import java.nio.charset.StandardCharsets;

import io.helidon.common.buffers.BufferData;
import io.helidon.http.http2.Http2HuffmanDecoder;

/**
 * What {@link PseudoHeaderNames} reads of an HPACK header block (RFC 7541): integers (§5.1) and string
 * literals (§5.2). Anything malformed reads as null or -1, for the block to go to Helidon as it is.
 */
final class Hpack {

    /** An integer this large is no index or length a request has: the block is left to Helidon. */
    static final long MAX_INTEGER = 1 << 24;

    private Hpack() {
    }

    /** An integer read, and the position after it. */
    record Read(long value, int end) {
    }

    /** The integer at {@code position}, whose first byte keeps it in its low {@code prefixBits} bits; null when malformed. */
    static Read integer(byte[] block, int position, int prefixBits) {
        if (position >= block.length) {
            return null;
        }
        int max = (1 << prefixBits) - 1;
        long value = block[position] & max;
        position++;
        if (value < max) {
            return new Read(value, position);
        }
        int shift = 0;
        while (position < block.length && shift <= 28) {
            int next = block[position++] & 0xFF;
            value += (long) (next & 0x7F) << shift;
            if (value > MAX_INTEGER) {
                return null;
            }
            if ((next & 0x80) == 0) {
                return new Read(value, position);
            }
            shift += 7;
        }
        return null;
    }

    /** Where the string literal at {@code position} ends; -1 when it runs past the block. */
    static int stringEnd(byte[] block, int position) {
        Read length = integer(block, position, 7);
        if (length == null || length.end() + length.value() > block.length) {
            return -1;
        }
        return (int) (length.end() + length.value());
    }

    /** The string literal from {@code start} to {@code end}, Huffman-decoded when it is so coded; null when it does not decode. */
    static String string(byte[] block, int start, int end) {
        int offset = integer(block, start, 7).end();
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
