package com.example.orders.server.helidon.http2;

import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;

import io.helidon.common.Weight;
import io.helidon.common.Weighted;
import io.helidon.common.buffers.BufferData;
import io.helidon.common.buffers.DataReader;
import io.helidon.common.buffers.DataWriter;
import io.helidon.common.socket.HelidonSocket;
import io.helidon.common.socket.PeerInfo;
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
 * passing through the fixes of this package. Registered through {@code META-INF/services} ahead of
 * Helidon's HTTP/2 provider, which still makes the connections: HTTP/2 over TLS (ALPN h2) and with prior
 * knowledge (h2c, what gRPC clients use) both come here; an HTTP/1.1 upgrade to h2c does not.
 *
 * <p>The client's frames pass {@link ClientFrames}: {@link ClosedStreamResets} drops a RST_STREAM for a
 * closed stream, {@link PseudoHeaderNames} indexes pseudo-header names. The server's pass, in this order,
 * {@link EmptyWindowUpdates}, {@link ClosedStreamResets} (which notes the streams the server ends),
 * {@link HeldFrames} (which holds a unary response's frames until its last: {@link UnaryResponseWrites}) and
 * {@link InterruptibleWrites} (which keeps a call's interrupt out of the socket write).
 */
@Weight(Weighted.DEFAULT_WEIGHT + 1)
public final class Http2Connections implements ServerConnectionSelectorProvider<Http2Config> {

    /** Helidon's provider, as its ServiceLoader makes it (the constructor is public for that), making the connections. */
    private final Http2ConnectionProvider helidon = new Http2ConnectionProvider();

    /** For the ServiceLoader. */
    public Http2Connections() {
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
                ClosedStreamResets streams = new ClosedStreamResets();
                DataReader client = DataReader.create(new ClientFrames(ctx.dataReader(), streams));
                return http2.connection(new Context(ctx, client, serverFrames(ctx.dataWriter(), streams)));
            }
        };
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
