package com.example.orders.server.helidon.http2;

import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;

import io.helidon.common.buffers.BufferData;
import io.helidon.common.buffers.DataReader;
import io.helidon.common.buffers.DataWriter;
import io.helidon.common.socket.HelidonSocket;
import io.helidon.common.socket.PeerInfo;
import io.helidon.config.Config;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.ListenerContext;
import io.helidon.webserver.ProxyProtocolData;
import io.helidon.webserver.Router;
import io.helidon.webserver.http2.Http2Config;
import io.helidon.webserver.http2.Http2ConnectionSelector;
import io.helidon.webserver.http2.Http2ProtocolConfigProvider;
import io.helidon.webserver.http2.spi.Http2SubProtocolSelector;
import io.helidon.webserver.spi.ServerConnection;
import io.helidon.webserver.spi.ServerConnectionSelector;

/**
 * Helidon's own HTTP/2 connections, with what they read from the client and write to the socket
 * passing through the fixes of this package. Given to the listener in code
 * ({@code ListenerConfig.connectionSelectors}, "custom selectors are always used first"), ahead of the
 * HTTP/2 selector Helidon's ServiceLoader finds, which is then never reached: HTTP/2 over TLS (ALPN h2)
 * and with prior knowledge (h2c, what gRPC clients use) both come here; an HTTP/1.1 upgrade to h2c does
 * not (Helidon's HTTP/1.1 selector makes those connections itself).
 *
 * <p>The client's frames pass {@link ClientFrames}: {@link ClosedStreamResets} drops a RST_STREAM for a
 * closed stream, {@link PseudoHeaderNames} indexes pseudo-header names. The server's pass, in this order,
 * {@link EmptyWindowUpdates}, {@link ClosedStreamResets} (which notes the streams the server ends),
 * {@link HeldFrames} (which holds a unary response's frames until its last: {@link UnaryResponseWrites}) and
 * {@link InterruptibleWrites} (which keeps a call's interrupt out of the socket write).
 */
public final class Http2Connections {

    private Http2Connections() {
    }

    /**
     * Helidon's HTTP/2 connections configured from {@code protocols} (the listener's
     * {@code server.protocols}: its {@code http_2}) as Helidon configures them, with these sub-protocols.
     */
    public static ServerConnectionSelector selector(Config protocols, Http2SubProtocolSelector... subProtocols) {
        Http2ConnectionSelector.Builder helidon = Http2ConnectionSelector.builder().http2Config(config(protocols));
        for (Http2SubProtocolSelector subProtocol : subProtocols) {
            helidon.addSubProtocolSelector(subProtocol);
        }
        return new Fixed(helidon.build());
    }

    /** The {@code http_2} configuration as Helidon's ServiceLoader path makes it from the listener's protocols. */
    static Http2Config config(Config protocols) {
        Http2ProtocolConfigProvider http2 = new Http2ProtocolConfigProvider();
        return http2.create(protocols.get(http2.configKey()), http2.configKey());
    }

    /** Helidon's selector, whose connections get the client's frames and write the server's through the fixes. */
    private record Fixed(ServerConnectionSelector http2) implements ServerConnectionSelector {

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
            ClosedStreamResets streams = new ClosedStreamResets();
            DataReader client = DataReader.create(new ClientFrames(ctx.dataReader(), streams));
            return http2.connection(new Context(ctx, client, serverFrames(ctx.dataWriter(), streams)));
        }
    }

    /** What the server writes, on its way to the socket. */
    static DataWriter serverFrames(DataWriter socket, ClosedStreamResets streams) {
        return new EmptyWindowUpdates(streams.serverFrames(new HeldFrames(InterruptibleWrites.socketWriter(socket))));
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
