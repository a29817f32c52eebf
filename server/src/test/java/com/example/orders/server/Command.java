package com.example.orders.server;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A program a test runs to its end: a client in another language, a PostgreSQL or HA tool,
 * promtool. Its output goes to files rather than pipes, so that a child left running after the
 * timeout cannot block the test reading it; on the timeout the program and its children are killed
 * and the test fails with what they printed.
 */
record Command(List<String> line, Path directory, Map<String, String> environment, Duration timeout) {

    static Command of(String... line) {
        return new Command(List.of(line), null, Map.of(), Duration.ofSeconds(60));
    }

    static Command of(List<String> line) {
        return new Command(List.copyOf(line), null, Map.of(), Duration.ofSeconds(60));
    }

    Command in(Path directory) {
        return new Command(line, directory, environment, timeout);
    }

    /** The environment's variables and these, which replace any of the same name. */
    Command with(Map<String, String> variables) {
        Map<String, String> merged = new HashMap<>(environment);
        merged.putAll(variables);
        return new Command(line, directory, Map.copyOf(merged), timeout);
    }

    Command within(Duration timeout) {
        return new Command(line, directory, environment, timeout);
    }

    /** What it printed, with its exit status; -1 when it could not start. */
    Result run() throws IOException, InterruptedException {
        Path out = Files.createTempFile("command-out", ".log");
        Path err = Files.createTempFile("command-err", ".log");
        try {
            ProcessBuilder builder = new ProcessBuilder(line).redirectOutput(out.toFile()).redirectError(err.toFile());
            if (directory != null) {
                builder.directory(directory.toFile());
            }
            builder.environment().putAll(environment);
            Process process;
            try {
                process = builder.start();
            } catch (IOException e) {
                return new Result(this, -1, "", "cannot start it: " + e.getMessage());
            }
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                fail(this + " did not finish within " + timeout.toSeconds() + " s:\n"
                     + Files.readString(out, StandardCharsets.UTF_8) + Files.readString(err, StandardCharsets.UTF_8));
            }
            return new Result(this, process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                              Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /** Its standard output, or a failure of the test with all it printed unless it exited with 0. */
    String succeeds() throws IOException, InterruptedException {
        return run().succeeded();
    }

    @Override
    public String toString() {
        return String.join(" ", line) + (directory == null ? "" : " in " + directory);
    }

    record Result(Command command, int exitStatus, String output, String errors) {

        String succeeded() {
            if (exitStatus != 0) {
                fail(command + " exited with " + exitStatus + ":\n" + output + errors);
            }
            return output;
        }
    }
}
