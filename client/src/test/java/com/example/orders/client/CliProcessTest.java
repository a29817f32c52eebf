package com.example.orders.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/** The CLI as its own process: what a user sees on stdout and stderr, and its exit status. */
class CliProcessTest {

    @Test
    void aHostThatDoesNotResolveIsOneErrorLineWithoutAStackTrace() throws Exception {
        Result result = run("--target", "no-such-host.invalid", "get-order", "--id", "1");

        assertEquals(1, result.exitStatus());
        assertEquals("", result.stdout());
        List<String> lines = result.stderr().lines().toList();
        assertEquals(1, lines.size(), result.stderr());
        assertTrue(lines.getFirst().startsWith("ERROR UNAVAILABLE: Unable to resolve host no-such-host.invalid"),
                   lines.getFirst());
    }

    @Test
    void aWrongOptionIsNamedAndNothingReachesStdout() throws Exception {
        Result result = run("get-order", "--order-id", "1");

        assertEquals(2, result.exitStatus());
        assertEquals("", result.stdout());
        assertEquals("error: get-order does not take --order-id; it takes --id", result.stderr().lines().findFirst().orElseThrow());
    }

    private static Result run(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(CliLauncher.command());
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).start();
        process.getOutputStream().close();
        byte[] stdout = process.getInputStream().readAllBytes();
        byte[] stderr = process.getErrorStream().readAllBytes();
        assertTrue(process.waitFor(30, TimeUnit.SECONDS), "the CLI did not end");
        return new Result(process.exitValue(), new String(stdout, StandardCharsets.UTF_8),
                          new String(stderr, StandardCharsets.UTF_8));
    }

    private record Result(int exitStatus, String stdout, String stderr) {
    }
}
