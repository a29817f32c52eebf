package com.example.orders.server.helidon.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import io.helidon.webserver.ProtocolConfigs;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.grpc.GrpcConfig;

import org.junit.jupiter.api.Test;

/** The sub-protocol given in code is configured as Helidon configures the one its ServiceLoader finds. */
class GrpcSubProtocolTest {

    @Test
    void configuresItselfAsHelidonWould() {
        Config config = Config.just(ConfigSources.create(Map.of("server.protocols.grpc.max-read-buffer-size", "12345")),
                                    ConfigSources.classpath("application.yaml"));
        WebServerConfig server = WebServerConfig.builder().config(config.get("server")).buildPrototype();
        GrpcConfig helidons = ProtocolConfigs.create(server.protocols()).config("grpc", GrpcConfig.class).getFirst();

        GrpcConfig ours = GrpcSubProtocol.config(config.get("server.protocols"));
        assertEquals(12345, ours.maxReadBufferSize());
        assertEquals(helidons, ours);
    }
}
