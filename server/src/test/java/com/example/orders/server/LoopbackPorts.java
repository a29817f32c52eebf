package com.example.orders.server;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Ports for the processes a test starts that cannot pick a free one themselves (nginx, PostgreSQL):
 * in 29000-29999, the range kept for them on a shared build machine, tried at random until one is free.
 */
final class LoopbackPorts {

    private static final int FIRST = 29000;
    private static final int COUNT = 1000;

    private LoopbackPorts() {
    }

    static int free() {
        for (int attempt = 0; attempt < 200; attempt++) {
            int port = FIRST + ThreadLocalRandom.current().nextInt(COUNT);
            try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                return port;
            } catch (IOException taken) {
                // try another
            }
        }
        throw new AssertionError("no free port in " + FIRST + "-" + (FIRST + COUNT - 1));
    }
}
