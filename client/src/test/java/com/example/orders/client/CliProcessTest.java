package com.example.orders.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

/** The CLI as its own process: what a user sees on stdout and stderr, and its exit status. */
class CliProcessTest {

    @Test
    void aHostThatDoesNotResolveIsOneErrorLineWithoutAStackTrace() throws Exception {
        CliProcess.Result result = CliProcess.run("--target", "no-such-host.invalid", "get-order", "--id", "1");

        assertEquals(1, result.exitStatus());
        assertEquals("", result.stdout());
        List<String> lines = result.stderr().lines().toList();
        assertEquals(1, lines.size(), result.stderr());
        assertTrue(lines.getFirst().startsWith("ERROR UNAVAILABLE: Unable to resolve host no-such-host.invalid"),
                   lines.getFirst());
    }

    @Test
    void aWrongOptionIsNamedAndNothingReachesStdout() throws Exception {
        CliProcess.Result result = CliProcess.run("get-order", "--order-id", "1");

        assertEquals(2, result.exitStatus());
        assertEquals("", result.stdout());
        assertEquals("error: get-order does not take --order-id; it takes --id", result.stderr().lines().findFirst().orElseThrow());
    }
}
