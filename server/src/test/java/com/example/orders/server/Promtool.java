package com.example.orders.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Prometheus's own linter, promtool (Debian package prometheus, which .ci/run installs). */
final class Promtool {

    private Promtool() {
    }

    /** Fails unless {@code promtool check metrics} finds nothing to say of this Prometheus text. */
    static void assertNoFinding(String metricsText) throws IOException, InterruptedException {
        Path metrics = Files.createTempFile("metrics", ".txt");
        try {
            Files.writeString(metrics, metricsText);
            Command.Result check = Command.of("bash", "-c", "promtool check metrics < '" + metrics + "'").run();
            assertEquals(0, check.exitStatus(), () -> "promtool check metrics (the Debian package prometheus, which"
                                                       + " .ci/run installs):\n" + check.output() + check.errors());
            assertEquals("", check.output() + check.errors(), "promtool check metrics");
        } finally {
            Files.deleteIfExists(metrics);
        }
    }
}
