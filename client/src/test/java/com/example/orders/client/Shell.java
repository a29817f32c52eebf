package com.example.orders.client;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs command lines through bash, one at a time, in one directory and with variables added to the
 * environment, and tells what each printed as a terminal shows it: stdout and stderr together, in
 * the order written. With pipefail, so that a failing command in a pipeline fails the line.
 */
final class Shell {

    private final Path directory;
    private final Map<String, String> environment;

    Shell(Path directory, Map<String, String> environment) {
        this.directory = directory;
        this.environment = environment;
    }

    /** Output ends with a line break when there is any, as whole lines. */
    record Result(String output, int exitStatus) {
    }

    Result run(String commandLine, Duration timeout) throws IOException, InterruptedException {
        // A file rather than a pipe: a child left running after a timeout cannot block reading it.
        Path output = Files.createTempFile("shell", ".out");
        try {
            ProcessBuilder builder = new ProcessBuilder("bash", "-o", "pipefail", "-c", commandLine)
                    .directory(directory.toFile())
                    .redirectInput(new File("/dev/null"))
                    .redirectErrorStream(true)
                    .redirectOutput(output.toFile());
            builder.environment().putAll(environment);
            Process process = builder.start();
            if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                fail("'" + commandLine + "' did not finish within " + timeout.toSeconds() + " s:\n" + Files.readString(output));
            }
            String text = Files.readString(output);
            return new Result(text.isEmpty() || text.endsWith("\n") ? text : text + "\n", process.exitValue());
        } finally {
            Files.deleteIfExists(output);
        }
    }
}
