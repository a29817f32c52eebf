package com.example.orders.server.helidon.http2;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.function.Supplier;

import io.helidon.common.Weight;
import io.helidon.common.Weighted;
import io.helidon.common.buffers.BufferData;
import io.helidon.common.buffers.DataReader;
import io.helidon.common.buffers.DataWriter;
import io.helidon.common.socket.HelidonSocket;
import io.helidon.common.socket.PeerInfo;
import io.helidon.http.http2.Http2Util;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.ListenerContext;
import io.helidon.webserver.ProtocolConfigs;
import io.helidon.webserver.ProxyProtocolData;
import io.helidon.webserver.Router;
import io.helidon.webserver.http2.Http2Config;
import io.helidon.webserver.http2.Http2ConnectionProvider;
import io.helidon.webserver.spi.ServerConnection;
import io.helidon.webserver.spi.ServerConnectionSelector;
import io.helidon.webserver.spi.ServerConnectionSelectorProvider;

/**
 * Helidon's own HTTP/2 connections, with what they read from the client and write to the socket
 * passing through these fixes. Registered through {@code META-INF/services} ahead of Helidon's HTTP/2
 * provider, which still makes the connections: HTTP/2 over TLS (ALPN h2) and with prior knowledge
 * (h2c, what gRPC clients use) both come here; an HTTP/1.1 upgrade to h2c does not.
 *
 * <ul>
 * <li>A client's RST_STREAM for a closed stream, one the client has reset already or one both sides
 * have ended, is dropped before Helidon reads it. Helidon 4.5.0 forgets a stream once it is closed
 * ({@code Http2Connection.rstStream}, its finally block, lines 1012-1015; {@code StreamRunnable},
 * lines 1136-1141); a RST_STREAM for it then, once the client has opened a newer stream, is taken
 * for one on a stream never opened ({@code Http2Connection.stream}, lines 1038-1046: "Stream N was
 * never created and has lower ID than last", or {@code Http2ServerStream.rstStream}, lines 205-209:
 * "Received RST_STREAM for stream N in IDLE state"), and Helidon ends the connection with GOAWAY
 * PROTOCOL_ERROR ({@code Http2Connection.handle}), failing every call on it. Clients send
 * such frames as a matter of course: grpc-java (Netty) answers each DATA frame that reaches it after
 * it has reset a stream (a cancelled export's) with another RST_STREAM, and a client that cancels a
 * call (at its deadline, say) while the server's last frame is on its way sends its RST_STREAM
 * after the stream has ended. But a stream below the newest one is not idle, it is closed (RFC 9113
 * §5.1.1); PROTOCOL_ERROR is for a RST_STREAM on an idle stream (§6.4); a RST_STREAM may come after
 * the frame that closed the stream was sent (§5.1, "closed"), and is never answered (§5.4.2).</li>
 * <li>Socket writes made by a call's message write run with no interrupt: see
 * {@link InterruptibleWrites}.</li>
 * <li>A unary call's response leaves in one socket write: see {@link UnaryResponseWrites}.</li>
 * <li>A client's pseudo-header spelled out by name gets its static-table index: see
 * {@link PseudoHeaderNames}.</li>
 * <li>A WINDOW_UPDATE with an increment of 0 is not sent. Helidon returns the credit of the
 * connection's window through one {@code WindowSizeImpl.Strategy.Bisection} per connection, which adds
 * to a plain {@code int} ({@code delayedIncrement}, lines 353-361) from the threads of all the streams
 * at once ({@code Http2ServerStream}, lines 756 and 777); two threads that pass the watermark
 * together both send it, the second after the first has set it to 0. An increment of 0 is a
 * PROTOCOL_ERROR (RFC 9113 §6.9), which grpc-java's client answers by ending the connection with all
 * its calls: INTERNAL "Received WINDOW_UPDATE with delta 0 for connection stream", 32 calls in 75,600
 * GetOrders at 32 in flight in the benchmark. The same race can lose an increment, a few bytes of the
 * client's window for good; not worked around (docs/helidon-workarounds.md).</li>
 * </ul>
 */
@Weight(Weighted.DEFAULT_WEIGHT + 1)
public final class Http2ConnectionFixes implements ServerConnectionSelectorProvider<Http2Config> {

    private static final System.Logger LOGGER = System.getLogger(Http2ConnectionFixes.class.getName());
    private static final int WINDOW_UPDATE_LENGTH = 4;
    private static final int RST_STREAM_LENGTH = 4;
    /** SETTINGS_MAX_FRAME_SIZE at its least, and Helidon's default: a frame no larger is read whole before it goes on. */
    private static final int MIN_MAX_FRAME_SIZE = 16_384;

    /** Helidon's provider, as its ServiceLoader makes it (the constructor is public for that), making the connections. */
    private final Http2ConnectionProvider helidon = new Http2ConnectionProvider();

    /** For the ServiceLoader. */
    public Http2ConnectionFixes() {
    }

    @Override
    public String protocolType() {
        return helidon.protocolType();
    }

    @Override
    public Class<Http2Config> protocolConfigType() {
        return helidon.protocolConfigType();
    }

    @Override
    public ServerConnectionSelector create(String listenerName, Http2Config config, ProtocolConfigs configs) {
        ServerConnectionSelector http2 = helidon.create(listenerName, config, configs);
        return new ServerConnectionSelector() {
            @Override
            public int bytesToIdentifyConnection() {
                return http2.bytesToIdentifyConnection();
            }

            @Override
            public Support supports(BufferData data) {
                return http2.supports(data);
            }

            @Override
            public Set<String> supportedApplicationProtocols() {
                return http2.supportedApplicationProtocols();
            }

            @Override
            public ServerConnection connection(ConnectionContext ctx) {
                Streams streams = new Streams();
                DataReader client = DataReader.create(new ClientFrames(ctx.dataReader(), streams));
                DataWriter socket = UnaryResponseWrites.socketWriter(InterruptibleWrites.socketWriter(ctx.dataWriter()));
                DataWriter server = new ServerFrames(socket, streams);
                return http2.connection(new Context(ctx, client, server));
            }
        };
    }

    /** A WINDOW_UPDATE frame, as Helidon writes one (header and payload in one buffer), whose increment is 0. */
    static boolean emptyWindowUpdate(BufferData frame) {
        return frame.available() == FrameHeader.LENGTH + WINDOW_UPDATE_LENGTH
               && FrameHeader.read(frame).type() == FrameHeader.WINDOW_UPDATE
               && FrameHeader.uint31(frame.get(9), frame.get(10), frame.get(11), frame.get(12)) == 0;
    }

    /**
     * Which of a connection's streams are closed, as far as RST_STREAM goes. Told of frames by the
     * connection's reader and by the threads that write the calls' frames.
     */
    private static final class Streams {

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

        synchronized void ended(int streamId, int side) {
            if (halfClosed.merge(streamId, side, (a, b) -> a | b) == (CLIENT_ENDED | SERVER_ENDED)) {
                halfClosed.remove(streamId);
                close(streamId);
            }
        }

        synchronized void resetByClient(int streamId) {
            halfClosed.remove(streamId);
            close(streamId);
        }

        /** Helidon waits for the client's answer to its reset (its locally reset streams): that goes through. */
        synchronized void resetByServer(int streamId) {
            halfClosed.remove(streamId);
        }

        synchronized boolean closed(int streamId) {
            for (int id : closed) {
                if (id == streamId) {
                    return true;
                }
            }
            return false;
        }

        private void close(int streamId) {
            closed[nextClosed] = streamId;
            nextClosed = (nextClosed + 1) % closed.length;
        }
    }

    /**
     * The client's bytes as they come, frame by frame, without its RST_STREAM frames for closed
     * streams, and with the pseudo-header names of its header blocks indexed ({@link PseudoHeaderNames}).
     * Only a RST_STREAM frame, and a HEADERS frame that holds a whole header block in at most 16 KiB,
     * is read whole before it is passed on: the rest go on as they arrive, so that Helidon still checks
     * a frame's length before its payload is read. A header block continued in CONTINUATION frames goes
     * on as it is.
     */
    private static final class ClientFrames implements Supplier<byte[]> {

        private final DataReader client;
        private final Streams streams;
        private boolean prefaceRead;
        private int payloadLeft;

        ClientFrames(DataReader client, Streams streams) {
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
                        streams.ended(streamId, Streams.CLIENT_ENDED);
                    }
                    if (header.type() == FrameHeader.HEADERS && header.has(FrameHeader.END_HEADERS) && length <= MIN_MAX_FRAME_SIZE) {
                        byte[] frame = Arrays.copyOf(bytes, FrameHeader.LENGTH + length);
                        System.arraycopy(client.readBytes(length), 0, frame, FrameHeader.LENGTH, length);
                        return PseudoHeaderNames.inHeadersFrame(frame);
                    }
                    payloadLeft = length;
                    return bytes;
                }
                byte[] frame = Arrays.copyOf(bytes, FrameHeader.LENGTH + RST_STREAM_LENGTH);
                System.arraycopy(client.readBytes(RST_STREAM_LENGTH), 0, frame, FrameHeader.LENGTH, RST_STREAM_LENGTH);
                if (!streams.closed(streamId)) {
                    streams.resetByClient(streamId);
                    return frame;
                }
                LOGGER.log(System.Logger.Level.DEBUG, () -> "Dropped the client's RST_STREAM for closed stream " + streamId);
            }
        }
    }

    /**
     * The socket writer, told of the frames the server ends or resets a stream with. Helidon's
     * {@code Http2ConnectionWriter} writes each frame with one {@code writeNow}, header first; a
     * frame's end is noted before it is written, so before Helidon can forget the stream.
     */
    private record ServerFrames(DataWriter socket, Streams streams) implements DataWriter {

        @Override
        public void writeNow(BufferData frame) {
            if (emptyWindowUpdate(frame)) {
                LOGGER.log(System.Logger.Level.DEBUG, "Dropped a WINDOW_UPDATE with an increment of 0");
                return;
            }
            if (frame.available() >= FrameHeader.LENGTH) {
                FrameHeader header = FrameHeader.read(frame);
                if (header.streamId() != 0 && header.type() == FrameHeader.RST_STREAM) {
                    streams.resetByServer(header.streamId());
                } else if (header.endsStream()) {
                    streams.ended(header.streamId(), Streams.SERVER_ENDED);
                }
            }
            socket.writeNow(frame);
        }

        @Override
        public void writeNow(BufferData... buffers) {
            socket.writeNow(buffers);
        }

        @Override
        public void write(BufferData... buffers) {
            socket.write(buffers);
        }

        @Override
        public void write(BufferData buffer) {
            socket.write(buffer);
        }

        @Override
        public void flush() {
            socket.flush();
        }

        @Override
        public void close() {
            socket.close();
        }
    }

    /** The connection's context, with the reader and writer above. */
    private record Context(ConnectionContext ctx, DataReader dataReader, DataWriter dataWriter) implements ConnectionContext {

        @Override
        public PeerInfo remotePeer() {
            return ctx.remotePeer();
        }

        @Override
        public PeerInfo localPeer() {
            return ctx.localPeer();
        }

        @Override
        public boolean isSecure() {
            return ctx.isSecure();
        }

        @Override
        public String socketId() {
            return ctx.socketId();
        }

        @Override
        public String childSocketId() {
            return ctx.childSocketId();
        }

        @Override
        public ListenerContext listenerContext() {
            return ctx.listenerContext();
        }

        @Override
        public ExecutorService executor() {
            return ctx.executor();
        }

        @Override
        public Router router() {
            return ctx.router();
        }

        @Override
        public Optional<ProxyProtocolData> proxyProtocolData() {
            return ctx.proxyProtocolData();
        }

        @Override
        public HelidonSocket serverSocket() {
            return ctx.serverSocket();
        }
    }
}
