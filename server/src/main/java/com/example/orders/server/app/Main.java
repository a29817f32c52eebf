package com.example.orders.server.app;

import java.io.IOException;
import java.io.InputStream;
import java.util.logging.LogManager;

import io.helidon.config.Config;

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
        TerminationSignals.onTermination(() -> {
            server.close();
            System.exit(0);
        });
    }
}
