package com.example.orders.server.helidon.http2;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import io.helidon.webserver.ProtocolConfigs;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.http2.Http2Config;

import org.junit.jupiter.api.Test;

/**
 * The connections given to the listener in code are configured as Helidon configures the ones its
 * ServiceLoader finds: from the listener's {@code protocols}, application.yaml's and overrides alike.
 */
class Http2ConnectionsTest {

    @Test
    void configuresItsConnectionsAsHelidonWould() {
        Config config = Config.just(ConfigSources.create(Map.of("server.protocols.http_2.max-rapid-resets", "7",
                                                                "server.protocols.http_2.flow-control-timeout", "PT3S")),
                                    ConfigSources.classpath("application.yaml"));
        WebServerConfig server = WebServerConfig.builder().config(config.get("server")).buildPrototype();
        Http2Config helidons = ProtocolConfigs.create(server.protocols()).config("http_2", Http2Config.class).getFirst();

        Http2Config ours = Http2Connections.config(config.get("server.protocols"));
        assertEquals(7, ours.maxRapidResets());
        assertEquals(described(helidons), described(ours));
    }

    /** All its settings; the requested-URI discovery has no equals, and is told by its identity. */
    private static String described(Object config) {
        return config.toString().replaceAll("@[0-9a-f]+", "");
    }
}
