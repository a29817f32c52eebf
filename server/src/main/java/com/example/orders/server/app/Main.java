package com.example.orders.server.app;

import java.io.IOException;
import java.io.InputStream;
import java.util.logging.LogManager;

import io.helidon.config.Config;
import sun.misc.Signal;

/**
 * Starts the order service with application.yaml, overridden by environment variables. SIGTERM or
 * SIGINT stops it gracefully (see {@link OrderServer#close()}) and exits with status 0.
 */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) throws IOException {
        if (System.getProperty("java.util.logging.config.file") == null) {
            try (InputStream logging = Main.class.getResourceAsStream("/logging.properties")) {
                LogManager.getLogManager().readConfiguration(logging);
            }
        }
        OrderServer server = OrderServer.start(Config.create());
        // Handled here rather than in a shutdown hook so that a graceful stop exits with status 0.
        for (String signal : new String[] {"TERM", "INT"}) {
            Signal.handle(new Signal(signal), received -> {
                server.close();
                System.exit(0);
            });
        }
    }
}
