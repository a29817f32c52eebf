package com.example.orders.server;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.example.orders.server.app.Main;

/**
 * The service started as its own JVM through {@link Main}, as in production: for what a server in
 * the test's JVM cannot show (signals, exit status, a heap of its own).
 */
final class ServerProcess implements AutoCloseable {

    private static final Pattern LISTENING = Pattern.compile("listening on port (\\d+)");

    private final Process process;
    private final StringBuffer output = new StringBuffer();
    private final CountDownLatch started = new CountDownLatch(1);
    private volatile int port;

    private ServerProcess(Process process) {
        this.process = process;
        Thread.ofPlatform().daemon().name("server-output").start(this::readOutput);
    }

    /** Starts {@code Main} on a free port with these system properties (config keys) and waits until it listens. */
    static ServerProcess start(Map<String, String> config, String... jvmOptions) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.addAll(List.of(jvmOptions));
        command.add("-Dserver.port=0");
        config.forEach((key, value) -> command.add("-D" + key + "=" + value));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName()));
        ServerProcess server = new ServerProcess(new ProcessBuilder(command).redirectErrorStream(true).start());
        if (!server.started.await(60, TimeUnit.SECONDS)) {
            server.process.destroyForcibly();
            throw new AssertionError("the server did not start:\n" + server.output);
        }
        return server;
    }

    int port() {
        return port;
    }

    Process process() {
        return process;
    }

    String output() {
        return output.toString();
    }

    private void readOutput() {
        try (BufferedReader reader = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                output.append(line).append('\n');
                Matcher listening = LISTENING.matcher(line);
                if (listening.find()) {
                    port = Integer.parseInt(listening.group(1));
                    started.countDown();
                }
            }
        } catch (IOException e) {
            output.append("(output lost: ").append(e).append(")\n");
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
}
