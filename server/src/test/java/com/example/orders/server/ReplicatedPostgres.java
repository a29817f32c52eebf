package com.example.orders.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.UserPrincipal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A PostgreSQL primary and a streaming-replication standby of it, both the test's own (the shared
 * PostgreSQL on 5432 is never reconfigured): initdb, then pg_basebackup -R, in a temporary directory,
 * on loopback ports in 29000-29999, run as the postgres OS user when the test runs as root (PostgreSQL
 * refuses root). Closing stops both and removes the directory.
 */
final class ReplicatedPostgres implements AutoCloseable {

    private static final boolean ROOT = "root".equals(System.getProperty("user.name"));

    private final Path bin;
    private final Path dir;
    private final int primaryPort = LoopbackPorts.free();
    private final int standbyPort = LoopbackPorts.free();
    /** The standbys' names (their directories): "standby", then those added. */
    private final List<String> standbys = new ArrayList<>(List.of("standby"));

    private ReplicatedPostgres(Path bin, Path dir) {
        this.bin = bin;
        this.dir = dir;
    }

    /** Both running and the standby streaming; {@code primarySettings} are postgresql.conf lines. */
    static ReplicatedPostgres start(String... primarySettings) throws IOException, InterruptedException, SQLException {
        return start(List.of(primarySettings), List.of());
    }

    /** The same, with postgresql.conf lines for the standby too. */
    static ReplicatedPostgres start(List<String> primarySettings, List<String> standbySettings)
            throws IOException, InterruptedException, SQLException {
        Path dir = Files.createTempDirectory("orders-replication");
        if (ROOT) {
            UserPrincipal postgres = dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("postgres");
            Files.setOwner(dir, postgres);
        }
        ReplicatedPostgres cluster = new ReplicatedPostgres(binaries(), dir);
        try {
            cluster.create(primarySettings, standbySettings);
            return cluster;
        } catch (IOException | InterruptedException | SQLException | RuntimeException | Error e) {
            cluster.close();
            throw e;
        }
    }

    String primaryUrl() {
        return url(primaryPort);
    }

    String standbyUrl() {
        return url(standbyPort);
    }

    Connection connectPrimary() throws SQLException {
        return DriverManager.getConnection(primaryUrl(), "postgres", "");
    }

    Connection connectStandby() throws SQLException {
        return DriverManager.getConnection(standbyUrl(), "postgres", "");
    }

    /** Stops the standby at once, as a crash or a lost machine would. */
    void stopStandby() throws IOException, InterruptedException {
        pgCtl("standby", "stop", "-m", "immediate");
    }

    void startStandby() throws IOException, InterruptedException, SQLException {
        pgCtl("standby", "start", "-w", "-l", dir.resolve("standby.log").toString());
        awaitStreaming();
    }

    /** The standby keeps receiving the primary's WAL but stops applying it, as one far behind would. */
    void pauseReplay() throws SQLException {
        pauseReplay(standbyPort);
    }

    void resumeReplay() throws SQLException {
        resumeReplay(standbyPort);
    }

    /** The same for the standby on {@code port}. */
    void pauseReplay(int port) throws SQLException {
        execute(() -> DriverManager.getConnection(url(port), "postgres", ""), "SELECT pg_wal_replay_pause()");
    }

    void resumeReplay(int port) throws SQLException {
        execute(() -> DriverManager.getConnection(url(port), "postgres", ""), "SELECT pg_wal_replay_resume()");
    }

    /** One more standby of the primary, streaming; its port. */
    int addStandby() throws IOException, InterruptedException, SQLException {
        int port = LoopbackPorts.free();
        String name = "standby" + (standbys.size() + 1);
        baseBackup(name, List.of("port = " + port));
        standbys.add(name);
        pgCtl(name, "start", "-w", "-l", dir.resolve(name + ".log").toString());
        awaitStreaming();
        return port;
    }

    int standbyPort() {
        return standbyPort;
    }

    @Override
    public void close() throws IOException, InterruptedException {
        List<String> nodes = new ArrayList<>(standbys);
        nodes.add("primary");
        for (String node : nodes) {
            if (Files.exists(dir.resolve(node).resolve("postmaster.pid"))) {
                pgCtl(node, "stop", "-m", "immediate");
            }
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        }
    }

    private void create(List<String> primarySettings, List<String> standbySettings)
            throws IOException, InterruptedException, SQLException {
        Path primary = dir.resolve("primary");
        run(bin.resolve("initdb").toString(), "-D", primary.toString(), "-U", "postgres", "-A", "trust",
            "-E", "UTF8", "--locale=C", "--no-sync");
        List<String> settings = new ArrayList<>(List.of(
                "listen_addresses = '127.0.0.1'",
                "port = " + primaryPort,
                "unix_socket_directories = '" + dir + "'",
                "wal_level = replica",
                "max_wal_senders = 4",
                "max_connections = 60",
                "shared_buffers = 32MB",
                "fsync = off"));  // a test's data: speed over durability
        settings.addAll(primarySettings);
        appendSettings(primary, settings);
        pgCtl("primary", "start", "-w", "-l", dir.resolve("primary.log").toString());

        List<String> ownSettings = new ArrayList<>(List.of("port = " + standbyPort)); // the last of a name wins
        ownSettings.addAll(standbySettings);
        baseBackup("standby", ownSettings);
        startStandby();
    }

    private void baseBackup(String name, List<String> settings) throws IOException, InterruptedException {
        Path standby = dir.resolve(name);
        run(bin.resolve("pg_basebackup").toString(), "-h", "127.0.0.1", "-p", String.valueOf(primaryPort),
            "-U", "postgres", "-D", standby.toString(), "-R", "-X", "stream", "-c", "fast", "--no-sync");
        appendSettings(standby, settings);
    }

    private void awaitStreaming() throws SQLException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            try (Connection connection = connectPrimary(); Statement query = connection.createStatement();
                 ResultSet rows = query.executeQuery("SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'")) {
                rows.next();
                if (rows.getInt(1) == standbys.size()) {
                    return;
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the standbys did not all stream within 30 s: " + log("standby.log"));
    }

    private void appendSettings(Path dataDir, List<String> lines) throws IOException {
        Files.write(dataDir.resolve("postgresql.conf"), lines, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
    }

    private void pgCtl(String node, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(bin.resolve("pg_ctl").toString(), "-D", dir.resolve(node).toString()));
        command.addAll(List.of(args));
        run(command.toArray(String[]::new));
    }

    private void run(String... command) throws IOException, InterruptedException {
        List<String> line = new ArrayList<>();
        if (ROOT) {
            line.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        line.addAll(List.of(command));
        Command.of(line).succeeds();
    }

    private String log(String name) {
        try {
            return Files.readString(dir.resolve(name), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no " + name + ")";
        }
    }

    private static String url(int port) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
    }

    /** The newest PostgreSQL server binaries installed (Debian: /usr/lib/postgresql/VERSION/bin). */
    private static Path binaries() throws IOException {
        Path versions = Path.of("/usr/lib/postgresql");
        if (Files.isDirectory(versions)) {
            try (Stream<Path> dirs = Files.list(versions)) {
                Path newest = dirs.map(version -> version.resolve("bin"))
                        .filter(dir -> Files.isExecutable(dir.resolve("initdb")))
                        .max(Comparator.comparing(dir -> Integer.parseInt(dir.getParent().getFileName().toString())))
                        .orElse(null);
                if (newest != null) {
                    return newest;
                }
            }
        }
        throw new AssertionError("no PostgreSQL server binaries under /usr/lib/postgresql: "
                                 + "apt-get install postgresql (the Debian package)");
    }

    private interface ConnectionSource {
        Connection connect() throws SQLException;
    }

    private static void execute(ConnectionSource source, String sql) throws SQLException {
        try (Connection connection = source.connect(); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }
}
