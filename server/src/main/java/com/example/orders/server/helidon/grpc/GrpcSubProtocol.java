package com.example.orders.server.helidon.grpc;

import io.helidon.common.Weight;
import io.helidon.common.Weighted;
import io.helidon.webserver.ProtocolConfigs;
import io.helidon.webserver.grpc.GrpcConfig;
import io.helidon.webserver.grpc.GrpcProtocolSelector;
import io.helidon.webserver.http2.spi.Http2SubProtocolProvider;
import io.helidon.webserver.http2.spi.Http2SubProtocolSelector;

/**
 * Helidon's gRPC sub-protocol of HTTP/2, whose selector it wraps, with two changes to how a call
 * starts: the request's headers as {@link ResponseCompression} has them, and {@link UnknownMethods}
 * answered UNIMPLEMENTED. Registered through {@code META-INF/services} ahead of Helidon's own.
 */
@Weight(Weighted.DEFAULT_WEIGHT + 1)
public final class GrpcSubProtocol implements Http2SubProtocolProvider<GrpcConfig> {

    /** For the ServiceLoader. */
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
        GrpcProtocolSelector grpc = GrpcProtocolSelector.create(config);
        return (ctx, prologue, headers, writer, streamId, serverSettings, clientSettings, flowControl, state, router) ->
                UnknownMethods.answered(grpc.subProtocol(ctx, prologue, ResponseCompression.compressedOnlyIfCompressing(headers),
                                                         writer, streamId, serverSettings, clientSettings, flowControl,
                                                         state, router),
                                        prologue, writer, streamId, state);
    }
}
