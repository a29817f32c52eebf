package com.example.orders.client;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import com.example.orders.client.ConsoleTranscript.Step;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * The documentation's examples are executable: each transcript (the README's worked example, the
 * buf curl commands of docs/api.md) runs here, command by command, against a fresh service (ids start
 * at 1), and what the commands print must be what the document shows under them. So editing the
 * document is what changes this test's expectations.
 *
 * <p>A transcript is the {@code console} block under a heading (see {@link ConsoleTranscript}). Its
 * output is what a terminal shows: stdout and stderr together, in the order written, such as the CLI's
 * {@code no --request-id given, using <uuid>} and {@code ERROR ...} lines. What changes from run to
 * run is masked on both sides before the comparison: timestamps (RFC 3339) and UUIDs. A command must
 * exit with status 0, or 1 where the README shows the CLI's {@code ERROR} line under it.
 *
 * <p>Commands run through bash as the README shows them, in a temporary directory that stands for the
 * repository root, so that the files they write (paid.jsonl) land there. Its {@code bin/buf} runs the
 * real one; its {@code bin/client} starts the CLI as bin/client does, without bin/client's build of
 * the jar, which would be a Maven build inside this one. The CLI reaches the service through
 * ORDER_SERVICE_TARGET, the buf and curl commands through their URLs, where {@code localhost:8080}
 * becomes the service's address. Without Node.js and npm, which bin/buf needs, this test fails rather
 * than skips.
 */
class ReadmeExamplesTest {

    private static final Duration COMMAND_TIMEOUT = Duration.ofMinutes(1);
    private static final Duration INSTALL_TIMEOUT = Duration.ofMinutes(3);
    private static final Pattern TIMESTAMP =
            Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?(Z|[+-]\\d{2}:\\d{2})");
    private static final Pattern UUID =
            Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    /** Surefire runs in the module's directory, client/. */
    private final Path root = Path.of("").toAbsolutePath().getParent();

    @TempDir
    Path workingDirectory;

    /** Where the CLI keeps its read-your-writes position, instead of the user's state directory. */
    @TempDir
    Path stateDirectory;

    @Test
    void theWorkedExamplePrintsWhatTheReadmeShows() throws Exception {
        runAsShown("README.md", "## Worked example with the Java client");
    }

    @Test
    void theBufCurlCommandsPrintWhatTheReadmeShows() throws Exception {
        // Installs buf, when needed, before anything is compared: npm's output is no example's.
        Shell.Result install = new Shell(root, Map.of()).run("bin/buf --version", INSTALL_TIMEOUT);
        assertEquals(0, install.exitStatus(), () -> "bin/buf could not install buf:\n" + install.output());

        runAsShown("docs/api.md", "## buf curl, grpcurl and other tools");
    }

    private void runAsShown(String document, String heading) throws Exception {
        ConsoleTranscript readme = ConsoleTranscript.after(heading, Files.readString(root.resolve(document)));
        standInForRepositoryRoot();
        List<Executable> checks = new ArrayList<>();
        try (FreshService service = FreshService.start()) {
            String address = "127.0.0.1:" + service.port();
            Shell shell = new Shell(workingDirectory, Map.of("ORDER_SERVICE_TARGET", address,
                                                             "ORDER_CLIENT_STATE_DIR", stateDirectory.toString()));
            for (Step shown : readme.steps()) {
                Shell.Result result = shell.run(shown.command().replace("localhost:8080", address), COMMAND_TIMEOUT);
                checks.add(() -> assertEquals(mask(shown.output()), mask(result.output()),
                                              () -> "what '" + shown.command() + "' prints (times and UUIDs masked)"));
                int exitStatus = shown.output().lines().anyMatch(line -> line.startsWith("ERROR ")) ? 1 : 0;
                checks.add(() -> assertEquals(exitStatus, result.exitStatus(),
                                              () -> "the exit status of '" + shown.command() + "'"));
            }
        }
        assertAll(document + ", under '" + heading + "'", checks);
    }

    /** bin/client and bin/buf in the working directory, as in the repository. */
    private void standInForRepositoryRoot() throws IOException {
        Path bin = Files.createDirectory(workingDirectory.resolve("bin"));
        writeScript(bin.resolve("client"), CliLauncher.command());
        writeScript(bin.resolve("buf"), List.of(root.resolve("bin/buf").toString()));
    }

    private static void writeScript(Path file, List<String> command) throws IOException {
        String quoted = command.stream().map(word -> "'" + word.replace("'", "'\\''") + "'").collect(Collectors.joining(" "));
        Files.writeString(file, "#!/usr/bin/env bash\nexec " + quoted + " \"$@\"\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private static String mask(String text) {
        return UUID.matcher(TIMESTAMP.matcher(text).replaceAll("<timestamp>")).replaceAll("<uuid>");
    }
}
