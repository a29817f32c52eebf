package com.example.orders.server.app;

import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.util.logging.LogManager;

import io.helidon.config.Config;

/**
 * Starts the order service with application.yaml, overridden by environment variables. SIGTERM or
 * SIGINT stops it gracefully (see {@link OrderServer#close()}) and exits with status 0. A start that
 * fails for a reason the user can fix ({@link StartFailure}) ends with that reason alone and status 1.
 */
public final class Main {

    private static final System.Logger LOG = System.getLogger(Main.class.getName());

    private Main() {
    }

    public static void main(String[] args) throws IOException {
        if (System.getProperty("java.util.logging.config.file") == null) {
            try (InputStream logging = Main.class.getResourceAsStream("/logging.properties")) {
                LogManager.getLogManager().readConfiguration(logging);
            }
        }
        OrderServer server;
        try {
            server = OrderServer.start(Config.create());
        } catch (StartFailure e) {
            LOG.log(Level.ERROR, e.getMessage());
            BatchingConsoleHandler.flushAll();
            System.exit(1);
            return;
        }
        TerminationSignals.onTermination(() -> {
            server.close();
            System.exit(0);
        });
    }
}
