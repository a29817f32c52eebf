package com.example.orders.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.example.orders.server.app.Main;

/**
 * The service started as its own JVM through {@link Main}, as in production: for what a server in
 * the test's JVM cannot show (signals, exit status, a heap of its own). Its output goes to a file,
 * not a pipe: the JDK closes a pipe under its reader when the process ends, losing the last lines.
 */
final class ServerProcess implements AutoCloseable {

    private static final Pattern LISTENING = Pattern.compile("listening on port (\\d+)");

    private final Process process;
    private final Path outputFile;
    private final int port;

    private ServerProcess(Process process, Path outputFile, int port) {
        this.process = process;
        this.outputFile = outputFile;
        this.port = port;
    }

    /** Starts {@code Main} on a free port with these system properties (config keys) and waits until it listens. */
    static ServerProcess start(Map<String, String> config, String... jvmOptions) throws IOException, InterruptedException {
        return start(config, Map.of(), jvmOptions);
    }

    /** The same, with these environment variables on top of the test's. */
    static ServerProcess start(Map<String, String> config, Map<String, String> environment, String... jvmOptions)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.addAll(List.of(jvmOptions));
        command.add("-Dserver.port=0");
        config.forEach((key, value) -> command.add("-D" + key + "=" + value));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName()));
        Path outputFile = Files.createTempFile("order-server", ".log");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(outputFile.toFile());
        builder.environment().putAll(environment);
        Process process = builder.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline && process.isAlive()) {
            Matcher listening = LISTENING.matcher(Files.readString(outputFile, StandardCharsets.UTF_8));
            if (listening.find()) {
                return new ServerProcess(process, outputFile, Integer.parseInt(listening.group(1)));
            }
            Thread.sleep(50);
        }
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        String output = Files.readString(outputFile, StandardCharsets.UTF_8);
        Files.delete(outputFile);
        throw new AssertionError("the server did not start:\n" + output);
    }

    /**
     * Runs {@code Main} with this class path and these system properties to its end, as a server
     * that refuses to start does: what it printed, and its exit status.
     */
    static Command.Result runToExit(String classPath, Map<String, String> config) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.add("-Dserver.port=0");
        config.forEach((key, value) -> command.add("-D" + key + "=" + value));
        command.addAll(List.of("-cp", classPath, Main.class.getName()));
        return Command.of(command).run();
    }

    /**
     * A JVM option for {@link #start}: the tests' logging configuration with the access log
     * ({@code orders.access}) at INFO, which they leave at WARNING.
     */
    static String withAccessLog() throws IOException {
        Path logging = Files.createTempFile("logging", ".properties");
        logging.toFile().deleteOnExit();
        Files.writeString(logging, Files.readString(Path.of(System.getProperty("java.util.logging.config.file")))
                                   + System.lineSeparator() + "orders.access.level=INFO" + System.lineSeparator());
        return "-Djava.util.logging.config.file=" + logging;
    }

    int port() {
        return port;
    }

    Process process() {
        return process;
    }

    String output() {
        try {
            return Files.readString(outputFile, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws InterruptedException, IOException {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        Files.deleteIfExists(outputFile);
    }
}
