package com.example.orders.server.helidon.grpc;

import io.helidon.common.Weight;
import io.helidon.common.Weighted;
import io.helidon.config.Config;
import io.helidon.webserver.ProtocolConfigs;
import io.helidon.webserver.grpc.GrpcConfig;
import io.helidon.webserver.grpc.GrpcProtocolConfigProvider;
import io.helidon.webserver.grpc.GrpcProtocolSelector;
import io.helidon.webserver.http2.spi.Http2SubProtocolProvider;
import io.helidon.webserver.http2.spi.Http2SubProtocolSelector;

/**
 * Helidon's gRPC sub-protocol of HTTP/2, whose selector it wraps, with two changes to how a call
 * starts: the request's headers as {@link ResponseCompression} has them, and {@link UnknownMethods}
 * answered UNIMPLEMENTED.
 *
 * <p>Given in code ({@link #selector}) to the HTTP/2 connections the service makes (Http2Connections).
 * It stays a ServiceLoader provider as well ({@code META-INF/services}, weighted ahead of Helidon's
 * own) for one kind of connection only: one upgraded from HTTP/1.1 to h2c, which Helidon 4.5.0's
 * HTTP/1.1 selector makes with the sub-protocols its ServiceLoader finds and no way to give them
 * ({@code Http1ConnectionProvider} loads {@code Http2UpgradeProvider}, which loads the sub-protocols);
 * only replacing Helidon's HTTP/1.1 selector would. No gRPC client upgrades, but any HTTP client may,
 * and send gRPC calls on the connection after.
 */
@Weight(Weighted.DEFAULT_WEIGHT + 1)
public final class GrpcSubProtocol implements Http2SubProtocolProvider<GrpcConfig> {

    /** For the ServiceLoader (connections upgraded from HTTP/1.1). */
    public GrpcSubProtocol() {
    }

    @Override
    public String protocolType() {
        return "grpc";
    }

    @Override
    public Class<GrpcConfig> protocolConfigType() {
        return GrpcConfig.class;
    }

    @Override
    public Http2SubProtocolSelector create(GrpcConfig config, ProtocolConfigs configs) {
        return fixed(config);
    }

    /**
     * The sub-protocol configured from {@code protocols} (the listener's {@code server.protocols}: its
     * {@code grpc}) as Helidon configures it.
     */
    public static Http2SubProtocolSelector selector(Config protocols) {
        return fixed(config(protocols));
    }

    /** The {@code grpc} configuration as Helidon's ServiceLoader path makes it from the listener's protocols. */
    static GrpcConfig config(Config protocols) {
        GrpcProtocolConfigProvider grpc = new GrpcProtocolConfigProvider();
        return grpc.create(protocols.get(grpc.configKey()), grpc.configKey());
    }

    private static Http2SubProtocolSelector fixed(GrpcConfig config) {
        GrpcProtocolSelector grpc = GrpcProtocolSelector.create(config);
        return (ctx, prologue, headers, writer, streamId, serverSettings, clientSettings, flowControl, state, router) ->
                UnknownMethods.answered(grpc.subProtocol(ctx, prologue, ResponseCompression.compressedOnlyIfCompressing(headers),
                                                         writer, streamId, serverSettings, clientSettings, flowControl,
                                                         state, router),
                                        prologue, writer, streamId, state);
    }
}
