/**
 * Fixes of Helidon's HTTP/2 connection: {@link com.example.orders.server.helidon.http2.Http2Connections}
 * hands Helidon's own connections a reader of the client's frames and a writer of the server's with the
 * fixes in their path, all reading and writing frames through one codec
 * ({@link com.example.orders.server.helidon.http2.FrameHeader},
 * {@link com.example.orders.server.helidon.http2.Hpack}). Two fixes also need to know which call a
 * frame is written for, and mark the call's thread from an interceptor:
 * {@link com.example.orders.server.helidon.http2.UnaryResponseWrites} and
 * {@link com.example.orders.server.helidon.http2.InterruptWritesOnCancel}.
 */
package com.example.orders.server.helidon.http2;
