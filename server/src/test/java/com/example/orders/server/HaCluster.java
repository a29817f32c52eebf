package com.example.orders.server;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * PostgreSQL with automatic failover, as deploy/ha/up starts it: a pg_auto_failover monitor, node1
 * the primary and node2 its standby, on loopback ports, with everything in a temporary folder that
 * deploy/ha/down removes on close. Where it cannot start (pg_autoctl missing and no root to install
 * it), it fails with what the script says.
 */
final class HaCluster implements AutoCloseable {

    private static final Duration UP_TIMEOUT = Duration.ofMinutes(3);
    private static final Duration DOWN_TIMEOUT = Duration.ofMinutes(1);

    private final Path scripts;
    private final Path dir;
    private final int monitorPort;
    private final String url;

    private HaCluster(Path scripts, Path dir, int monitorPort, String url) {
        this.scripts = scripts;
        this.dir = dir;
        this.monitorPort = monitorPort;
        this.url = url;
    }

    /** Starts the formation: node2 a synchronous standby, or with {@code synchronous} false an asynchronous one. */
    static HaCluster up(boolean synchronous) throws IOException, InterruptedException {
        Path scripts = ProjectFiles.find("deploy/ha");
        Path dir = Files.createTempDirectory("orders-ha");
        int port = freePorts(3);
        try {
            List<String> command = new ArrayList<>(List.of(scripts.resolve("up").toString(), dir.toString()));
            if (!synchronous) {
                command.add("--async");
            }
            String url = run(UP_TIMEOUT, "HA_PORT=" + port, command).strip();
            return new HaCluster(scripts, dir, port, url);
        } catch (IOException | InterruptedException | RuntimeException | Error e) {
            run(DOWN_TIMEOUT, null, List.of(scripts.resolve("down").toString(), dir.toString()));
            throw e;
        }
    }

    /** The service's JDBC URL, as deploy/ha/up prints it. */
    String url() {
        return url;
    }

    /** A connection to whichever node is the primary now. */
    Connection connectToPrimary() throws SQLException {
        return DriverManager.getConnection(url, "postgres", "");
    }

    /** The node the service's URL leads to now. */
    String primary() throws SQLException {
        try (Connection primary = connectToPrimary();
             Statement query = primary.createStatement();
             ResultSet port = query.executeQuery("SELECT inet_server_port()")) {
            port.next();
            return "node" + (port.getInt(1) - monitorPort);
        }
    }

    /** The monitor's view: "node1 primary primary, node2 secondary secondary" (name, reported state, goal). */
    String states() throws SQLException {
        try (Connection monitor = DriverManager.getConnection(
                "jdbc:postgresql://127.0.0.1:" + monitorPort + "/pg_auto_failover", "postgres", "");
             Statement query = monitor.createStatement();
             ResultSet states = query.executeQuery("SELECT string_agg(nodename || ' ' || reportedstate || ' '"
                     + " || goalstate, ', ' ORDER BY nodeid) FROM pgautofailover.node")) {
            states.next();
            return states.getString(1);
        }
    }

    /** Waits until the monitor's view is {@code expected}, and fails after {@code timeout}. */
    void awaitStates(String expected, Duration timeout) throws SQLException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String states = states();
        while (!expected.equals(states)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("after " + timeout + " the monitor has " + states + ", not " + expected);
            }
            Thread.sleep(200);
            states = states();
        }
    }

    /** How a node's PostgreSQL dies. */
    enum Crash {
        /** SIGKILL to the postmaster: its server processes end when they notice. */
        KILL,
        /** An immediate shutdown (pg_ctl stop -m immediate, which is SIGQUIT to the postmaster): no checkpoint. */
        IMMEDIATE_STOP
    }

    /**
     * The node dies as when its machine does, or is cut off the network: its pg_autoctl processes stop
     * (SIGSTOP), and its PostgreSQL dies {@code how}. A postmaster killed alone is restarted in place
     * by pg_autoctl within a second, and whether the monitor fails over then is a race. Returns once
     * the node refuses connections.
     */
    StoppedNode crash(String node, Crash how) throws IOException, InterruptedException {
        long postmasterPid = Long.parseLong(
                Files.readAllLines(dir.resolve(node).resolve("postmaster.pid")).getFirst().strip());
        ProcessHandle postmaster = ProcessHandle.of(postmasterPid).orElseThrow();
        ProcessHandle autoctl = postmaster.parent().flatMap(ProcessHandle::parent).orElseThrow();
        if (!autoctl.info().commandLine().orElse("").contains("pg_autoctl run")) {
            throw new AssertionError("not pg_autoctl run: " + autoctl.info());
        }
        // pg_autoctl run, its keeper and the supervisor that restarts Postgres.
        List<Long> pids = Stream.concat(Stream.of(autoctl), autoctl.children()).map(ProcessHandle::pid).toList();
        signal("STOP", pids);
        switch (how) {
            case KILL -> postmaster.destroyForcibly();
            case IMMEDIATE_STOP -> signal("QUIT", List.of(postmasterPid));
        }
        int port = port(node);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (accepts(port)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(node + " still accepts connections 10 s after its postmaster was killed");
            }
            Thread.sleep(20);
        }
        return new StoppedNode(pids);
    }

    /** A node whose pg_autoctl is stopped: once it runs again, it brings the node back as a standby. */
    record StoppedNode(List<Long> pids) {

        void resume() throws IOException, InterruptedException {
            signal("CONT", pids);
        }
    }

    private int port(String node) {
        return monitorPort + Integer.parseInt(node.substring("node".length()));
    }

    private static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 1_000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static void signal(String signal, List<Long> pids) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("kill", "-" + signal));
        pids.forEach(pid -> command.add(String.valueOf(pid)));
        run(Duration.ofSeconds(10), null, command);
    }

    /** Stops every node, whatever its state, and removes the folder. */
    @Override
    public void close() throws IOException, InterruptedException {
        run(DOWN_TIMEOUT, null, List.of(scripts.resolve("down").toString(), dir.toString()));
    }

    /** Runs {@code command} with {@code environment} (NAME=value) added; its stdout, or a failure with all it printed. */
    private static String run(Duration timeout, String environment, List<String> command)
            throws IOException, InterruptedException {
        Map<String, String> variables = new HashMap<>();
        if (environment != null) {
            String[] pair = environment.split("=", 2);
            variables.put(pair[0], pair[1]);
        }
        return Command.of(command).with(variables).within(timeout).succeeds();
    }

    /** The first of {@code count} consecutive loopback ports that are free now. */
    private static int freePorts(int count) throws IOException {
        for (int attempt = 0; attempt < 100; attempt++) {
            int first = ThreadLocalRandom.current().nextInt(20_000, 40_000);
            boolean free = true;
            for (int port = first; port < first + count && free; port++) {
                free = isFree(port);
            }
            if (free) {
                return first;
            }
        }
        throw new IOException("no " + count + " consecutive free ports found");
    }

    private static boolean isFree(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress("127.0.0.1", port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
