package com.example.orders.server;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * nginx as the gRPC load balancer, started and stopped by the project's own scripts
 * (deploy/nginx/up and down) with their configuration, in a directory of its own, on a loopback port.
 */
final class Nginx implements AutoCloseable {

    private final Path scripts;
    private final Path dir;
    private final int port;

    private Nginx(Path scripts, Path dir, int port) {
        this.scripts = scripts;
        this.dir = dir;
        this.port = port;
    }

    /** nginx in front of the instances listening on these loopback ports. */
    static Nginx start(List<Integer> instancePorts) throws IOException, InterruptedException {
        Path scripts = deployNginx();
        if (!Files.isExecutable(Path.of("/usr/sbin/nginx")) && !onPath("nginx")) {
            fail("nginx is not installed: apt-get install nginx (the Debian package), as .ci/run does");
        }
        Path dir = Files.createTempDirectory("orders-nginx");
        int port = LoopbackPorts.free();
        String upstreams = instancePorts.stream().map(p -> "127.0.0.1:" + p).collect(Collectors.joining(","));
        Nginx nginx = new Nginx(scripts, dir, port);
        nginx.run("up", "--dir", dir.toString(), "--port", String.valueOf(port), "--upstream", upstreams);
        return nginx;
    }

    int port() {
        return port;
    }

    /**
     * The access log's lines, one per call in the order the calls ended, once it has at least
     * {@code calls} of them: nginx writes it out once a second.
     */
    List<String> accessLog(int calls) throws IOException, InterruptedException {
        Path log = dir.resolve("access.log");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            List<String> lines = Files.exists(log) ? Files.readAllLines(log, StandardCharsets.UTF_8) : List.of();
            if (lines.size() >= calls || System.nanoTime() > deadline) {
                return lines;
            }
            Thread.sleep(100);
        }
    }

    /** What nginx logged of its own failures, such as an instance that refused a connection. */
    String errorLog() throws IOException {
        return Files.readString(dir.resolve("error.log"), StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws IOException, InterruptedException {
        try {
            run("down", "--dir", dir.toString());
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(file);
                }
            }
        }
    }

    private void run(String script, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(scripts.resolve(script).toString()));
        command.addAll(List.of(args));
        Path output = Files.createTempFile("nginx-" + script, ".log");
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
            if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
                process.destroyForcibly();
                fail("deploy/nginx/" + script + " failed:\n" + Files.readString(output, StandardCharsets.UTF_8));
            }
        } finally {
            Files.deleteIfExists(output);
        }
    }

    private static boolean onPath(String program) {
        return Stream.of(System.getenv().getOrDefault("PATH", "").split(":"))
                .anyMatch(dir -> Files.isExecutable(Path.of(dir, program)));
    }

    private static Path deployNginx() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isExecutable(dir.resolve("deploy/nginx/up"))) {
                return dir.resolve("deploy/nginx");
            }
        }
        return fail("deploy/nginx not found above " + Path.of("").toAbsolutePath());
    }
}
