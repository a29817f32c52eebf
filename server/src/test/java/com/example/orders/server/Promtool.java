package com.example.orders.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Prometheus's own linter, promtool (Debian package prometheus, which .ci/run installs). */
final class Promtool {

    private Promtool() {
    }

    /** Fails unless {@code promtool check metrics} finds nothing to say of this Prometheus text. */
    static void assertNoFinding(String metricsText) throws IOException, InterruptedException {
        Path metrics = Files.createTempFile("metrics", ".txt");
        Path findings = Files.createTempFile("promtool", ".log");
        try {
            Files.writeString(metrics, metricsText);
            Process promtool;
            try {
                promtool = new ProcessBuilder("promtool", "check", "metrics")
                        .redirectInput(metrics.toFile())
                        .redirectErrorStream(true)
                        .redirectOutput(findings.toFile())
                        .start();
            } catch (IOException e) {
                throw new AssertionError("Cannot run promtool: install the Debian package prometheus"
                                         + " (apt-get install prometheus), as .ci/run does", e);
            }
            if (!promtool.waitFor(60, TimeUnit.SECONDS)) {
                promtool.destroyForcibly();
                fail("promtool did not finish within 60 s");
            }
            String output = Files.readString(findings);
            assertEquals(0, promtool.exitValue(), () -> "promtool check metrics:\n" + output);
            assertEquals("", output, "promtool check metrics");
        } finally {
            Files.deleteIfExists(metrics);
            Files.deleteIfExists(findings);
        }
    }
}
