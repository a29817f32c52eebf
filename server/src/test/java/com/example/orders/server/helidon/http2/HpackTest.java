package com.example.orders.server.helidon.http2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

/** HPACK's integers and string literals, on the examples of RFC 7541, Appendix C, and malformed ones. */
class HpackTest {

    /** "www.example.com" Huffman-coded, with its length byte (RFC 7541, C.4.1). */
    private static final byte[] HUFFMAN_WWW = {(byte) 0x8C, (byte) 0xF1, (byte) 0xE3, (byte) 0xC2, (byte) 0xE5, (byte) 0xF2,
                                               0x3A, 0x6B, (byte) 0xA0, (byte) 0xAB, (byte) 0x90, (byte) 0xF4, (byte) 0xFF};

    @Test
    void anIntegerWithinItsPrefix() {
        assertEquals(new Hpack.Read(10, 1), Hpack.integer(new byte[] {0x0A}, 0, 5), "C.1.1");
        assertEquals(new Hpack.Read(10, 1), Hpack.integer(new byte[] {(byte) 0xEA}, 0, 5), "the bits above the prefix are not the integer's");
        assertEquals(new Hpack.Read(42, 1), Hpack.integer(new byte[] {0x2A}, 0, 8), "C.1.3");
    }

    @Test
    void anIntegerBeyondItsPrefix() {
        assertEquals(new Hpack.Read(1337, 3), Hpack.integer(new byte[] {0x1F, (byte) 0x9A, 0x0A}, 0, 5), "C.1.2");
        assertEquals(new Hpack.Read(1337, 4), Hpack.integer(new byte[] {0, 0x1F, (byte) 0x9A, 0x0A}, 1, 5), "from a position");
        assertEquals(new Hpack.Read(31, 2), Hpack.integer(new byte[] {0x1F, 0x00}, 0, 5), "the prefix's maximum, then 0");
    }

    @Test
    void malformedIntegersReadAsNull() {
        assertNull(Hpack.integer(new byte[] {0x1F}, 0, 5), "its continuation missing");
        assertNull(Hpack.integer(new byte[] {0x1F, (byte) 0x80, (byte) 0x80}, 0, 5), "continued past the block");
        assertNull(Hpack.integer(new byte[] {0x1F, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x7F}, 0, 5), "over the largest a request has");
        assertNull(Hpack.integer(new byte[] {0x0A}, 1, 5), "past the block");
    }

    @Test
    void aStringLiteral() {
        byte[] block = concat(new byte[] {0x0F}, "www.example.com".getBytes(StandardCharsets.US_ASCII), new byte[] {0x01});
        assertEquals(16, Hpack.stringEnd(block, 0));
        assertEquals("www.example.com", Hpack.string(block, 0, 16));
    }

    @Test
    void aHuffmanCodedStringLiteral() {
        byte[] block = concat(new byte[] {0x01}, HUFFMAN_WWW);
        assertEquals(HUFFMAN_WWW.length + 1, Hpack.stringEnd(block, 1));
        assertEquals("www.example.com", Hpack.string(block, 1, HUFFMAN_WWW.length + 1));
    }

    @Test
    void aStringLiteralThatRunsPastTheBlockEndsAtMinusOne() {
        assertEquals(-1, Hpack.stringEnd(new byte[] {0x05, 'a', 'b'}, 0));
        assertEquals(-1, Hpack.stringEnd(new byte[] {0x7F}, 0), "its length malformed");
        assertEquals(-1, Hpack.stringEnd(new byte[] {0x01, 'a'}, 2), "past the block");
    }

    @Test
    void aHuffmanCodeThatDoesNotDecodeReadsAsNull() {
        // EOS (30 ones) inside a string is an error (RFC 7541 §5.2).
        byte[] block = {(byte) 0x84, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF};
        assertNull(Hpack.string(block, 0, block.length));
    }

    private static byte[] concat(byte[]... parts) {
        int length = 0;
        for (byte[] part : parts) {
            length += part.length;
        }
        byte[] joined = new byte[length];
        int at = 0;
        for (byte[] part : parts) {
            System.arraycopy(part, 0, joined, at, part.length);
            at += part.length;
        }
        return joined;
    }
}
