package com.example.orders.client;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the CLI as its own process, as a user does ({@link CliLauncher}), and tells what it printed on
 * stdout and stderr and its exit status. The connection variables of the environment the tests run in
 * are left out, so that only the test's own reach the CLI.
 */
final class CliProcess {

    /** The variables the CLI reads; a test gives them or they are unset. */
    private static final List<String> VARIABLES = List.of(CliArgs.TARGET_VARIABLE, CliArgs.TLS_VARIABLE,
            CliArgs.CA_FILE_VARIABLE, CliArgs.TOKEN_VARIABLE, WritePositionFile.DIRECTORY_VARIABLE);

    private CliProcess() {
    }

    record Result(int exitStatus, String stdout, String stderr) {
    }

    static Result run(String... args) throws IOException, InterruptedException {
        return run(CliLauncher.command(), Map.of(), args);
    }

    /** {@code command} is the CLI's command line before the arguments. */
    static Result run(List<String> command, Map<String, String> environment, String... args)
            throws IOException, InterruptedException {
        List<String> commandLine = new ArrayList<>(command);
        commandLine.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(commandLine);
        builder.environment().keySet().removeAll(VARIABLES);
        builder.environment().putAll(environment);
        Process process = builder.start();
        process.getOutputStream().close();
        byte[] stdout = process.getInputStream().readAllBytes();
        byte[] stderr = process.getErrorStream().readAllBytes();
        assertTrue(process.waitFor(30, TimeUnit.SECONDS), "the CLI did not end");
        return new Result(process.exitValue(), new String(stdout, StandardCharsets.UTF_8),
                          new String(stderr, StandardCharsets.UTF_8));
    }
}
