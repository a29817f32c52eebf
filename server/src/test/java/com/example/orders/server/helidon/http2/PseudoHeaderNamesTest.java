package com.example.orders.server.helidon.http2;

import static com.example.orders.server.helidon.http2.FrameHeader.END_HEADERS;
import static com.example.orders.server.helidon.http2.FrameHeader.END_STREAM;
import static com.example.orders.server.helidon.http2.FrameHeader.PADDED;
import static com.example.orders.server.helidon.http2.FrameHeader.PRIORITY;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import io.helidon.common.buffers.BufferData;
import io.helidon.http.HeaderNames;
import io.helidon.http.http2.Http2Exception;
import io.helidon.http.http2.Http2FrameData;
import io.helidon.http.http2.Http2FrameHeader;
import io.helidon.http.http2.Http2Headers;
import io.helidon.http.http2.Http2HuffmanDecoder;

import org.junit.jupiter.api.Test;

/**
 * Header blocks as gRPC's C core writes its first request on a connection ({@code :path} and
 * {@code :authority} spelled out, with incremental indexing), before and after, read by Helidon's own
 * decoder: refused before, the same headers after, and a second request that refers to the entries the
 * first one added reads as the client meant it.
 */
class PseudoHeaderNamesTest {

    private static final String PATH = "/orders.v1.OrderService/GetOrder";
    private static final String AUTHORITY = "127.0.0.1:8080";
    /** ":path" in HPACK's Huffman code (RFC 7541, Appendix B), as a client may send the name. */
    private static final byte[] HUFFMAN_PATH = {(byte) 0xB9, 0x58, (byte) 0xD3, 0x3F};

    @Test
    void helidonRefusesThePseudoHeadersGrpcCoreSpellsOut() {
        Http2Exception refused = assertThrows(Http2Exception.class,
                () -> readByHelidon(Http2Headers.DynamicTable.create(4096), frame(END_HEADERS, firstGrpcCoreRequest())));
        assertTrue(refused.getMessage().contains("invalid pseudo-header field"), refused.getMessage());
    }

    @Test
    void indexedTheyReadAsSentAndTheDynamicTableStaysInStep() {
        Http2Headers.DynamicTable table = Http2Headers.DynamicTable.create(4096);
        Http2Headers first = readByHelidon(table, PseudoHeaderNames.inHeadersFrame(frame(END_HEADERS, firstGrpcCoreRequest())));
        assertEquals(PATH, first.path());
        assertEquals(AUTHORITY, first.authority());
        assertEquals("trailers", first.httpHeaders().get(HeaderNames.TE).get());

        // The client's encoder added :path, :authority and te, in that order, to its table: te, the
        // newest, is index 62, :path 64. A second request names them by these indexes only.
        byte[] second = {(byte) 0x83, (byte) 0x86, (byte) (0x80 | 64), (byte) (0x80 | 63), (byte) (0x80 | 62)};
        assertSame(second, PseudoHeaderNames.inHeaderBlock(second), "nothing to change");
        Http2Headers next = readByHelidon(table, PseudoHeaderNames.inHeadersFrame(frame(END_HEADERS, second)));
        assertEquals(PATH, next.path());
        assertEquals(AUTHORITY, next.authority());
        assertEquals("trailers", next.httpHeaders().get(HeaderNames.TE).get());
    }

    @Test
    void eachKindOfLiteralKeepsItsKindAndItsValue() {
        // Without indexing (0x00), :method; never indexed (0x10), :scheme; with indexing (0x40), :authority.
        byte[] block = concat(literal(0x00, ":method", "POST"), literal(0x10, ":scheme", "http"),
                              literal(0x40, ":authority", AUTHORITY), literal(0x40, ":path", PATH));
        byte[] expected = concat(indexedName(0x00 | 2, "POST"), indexedName(0x10 | 6, "http"),
                                 indexedName(0x40 | 1, AUTHORITY), indexedName(0x40 | 4, PATH));
        assertArrayEquals(expected, PseudoHeaderNames.inHeaderBlock(block));
    }

    @Test
    void aHuffmanCodedNameIsRecognised() {
        assertEquals(":path", Http2HuffmanDecoder.create().decodeString(BufferData.create(HUFFMAN_PATH), HUFFMAN_PATH.length),
                     "the test's own Huffman code");
        byte[] block = concat(new byte[] {0x40, (byte) (0x80 | HUFFMAN_PATH.length)}, HUFFMAN_PATH, string(PATH));
        assertArrayEquals(indexedName(0x40 | 4, PATH), PseudoHeaderNames.inHeaderBlock(block));
    }

    @Test
    void otherFieldsAndMalformedBlocksGoOnAsTheyAre() {
        byte[] regular = concat(literal(0x40, "te", "trailers"), literal(0x00, "x-request", "1"), literal(0x40, ":protocol", "x"));
        assertSame(regular, PseudoHeaderNames.inHeaderBlock(regular));
        byte[] truncated = Arrays.copyOf(firstGrpcCoreRequest(), 10);
        assertSame(truncated, PseudoHeaderNames.inHeaderBlock(truncated));
        byte[] endlessInteger = {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF};
        assertSame(endlessInteger, PseudoHeaderNames.inHeaderBlock(endlessInteger));
    }

    @Test
    void aPaddedFrameWithPriorityKeepsThemAndItsFlags() {
        int flags = END_HEADERS | END_STREAM | PADDED | PRIORITY;
        byte[] priority = {0, 0, 0, 3, 15};
        byte[] padding = new byte[7];
        byte[] sent = frame(flags, concat(new byte[] {(byte) padding.length}, priority, firstGrpcCoreRequest(), padding));
        byte[] rewritten = PseudoHeaderNames.inHeadersFrame(sent);
        byte[] expected = frame(flags, concat(new byte[] {(byte) padding.length}, priority, asIndexed(), padding));
        assertArrayEquals(expected, rewritten);
    }

    /** :method POST and :scheme http indexed, :path, :authority and te spelled out with incremental indexing. */
    private static byte[] firstGrpcCoreRequest() {
        return concat(new byte[] {(byte) 0x83, (byte) 0x86}, literal(0x40, ":path", PATH),
                      literal(0x40, ":authority", AUTHORITY), literal(0x40, "te", "trailers"));
    }

    private static byte[] asIndexed() {
        return concat(new byte[] {(byte) 0x83, (byte) 0x86}, indexedName(0x40 | 4, PATH),
                      indexedName(0x40 | 1, AUTHORITY), literal(0x40, "te", "trailers"));
    }

    private static Http2Headers readByHelidon(Http2Headers.DynamicTable table, byte[] frame) {
        Http2FrameHeader header = Http2FrameHeader.create(BufferData.create(Arrays.copyOf(frame, FrameHeader.LENGTH)));
        BufferData payload = BufferData.create(Arrays.copyOfRange(frame, FrameHeader.LENGTH, frame.length));
        // The stream is only told of a priority, which these frames have none of.
        return Http2Headers.create(null, table, Http2HuffmanDecoder.create(), new Http2FrameData(header, payload));
    }

    private static byte[] frame(int flags, byte[] payload) {
        byte[] frame = concat(new byte[FrameHeader.LENGTH], payload);
        new FrameHeader(payload.length, FrameHeader.HEADERS, flags, 1).write(frame);
        return frame;
    }

    private static byte[] literal(int kind, String name, String value) {
        return concat(new byte[] {(byte) kind}, string(name), string(value));
    }

    private static byte[] indexedName(int firstByte, String value) {
        return concat(new byte[] {(byte) firstByte}, string(value));
    }

    /** A string literal without Huffman coding, shorter than 127 bytes. */
    private static byte[] string(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        return concat(new byte[] {(byte) bytes.length}, bytes);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}
