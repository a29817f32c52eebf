package com.example.orders.client;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line that starts the CLI as bin/client does: with the options of bin/jdk.sh's
 * QUIET_JVM_OPTIONS, on the CLI's own runtime classpath (which Maven writes to
 * {@code target/cli-classpath.txt}) rather than the tests', which has the server in it.
 */
final class CliLauncher {

    private CliLauncher() {
    }

    /** With {@code jvmOptions} added, such as system properties. */
    static List<String> command(String... jvmOptions) {
        List<String> command = new ArrayList<>(List.of(
                ProcessHandle.current().info().command().orElse("java"), "--enable-native-access=ALL-UNNAMED"));
        if (Runtime.version().feature() >= 24) {
            command.add("--sun-misc-unsafe-memory-access=allow");
        }
        command.addAll(List.of(jvmOptions));
        command.addAll(List.of("-cp", classpath(), OrdersCli.class.getName()));
        return command;
    }

    /** Surefire runs in the module's directory. */
    private static String classpath() {
        Path dependencies = Path.of("target/cli-classpath.txt");
        try {
            return Path.of("target/classes").toAbsolutePath() + File.pathSeparator + Files.readString(dependencies).strip();
        } catch (IOException e) {
            throw new UncheckedIOException(dependencies.toAbsolutePath() + " is missing: Maven writes it (generate-test-resources)", e);
        }
    }
}
