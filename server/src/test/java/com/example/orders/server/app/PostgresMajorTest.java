package com.example.orders.server.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PostgresMajorTest {

    @TempDir
    Path dataDir;

    @Test
    void aDataDirectoryIsOfTheMajorItsPgVersionFileNames() throws Exception {
        Files.writeString(dataDir.resolve("PG_VERSION"), "14\n");

        assertEquals(Optional.of(new PostgresMajor("14")), PostgresMajor.ofDataDirectory(dataDir));
    }

    @Test
    void aDirectoryWithoutPgVersionOrNoneAtAllHasNoMajor() {
        assertEquals(Optional.empty(), PostgresMajor.ofDataDirectory(dataDir));
        assertEquals(Optional.empty(), PostgresMajor.ofDataDirectory(dataDir.resolve("missing")));
    }

    @Test
    void theEmbeddedBinariesMajorIsTheNumberTheBuildWrote() {
        PostgresMajor embedded = PostgresMajor.ofEmbeddedBinaries();

        assertTrue(embedded.number().matches("\\d+"), embedded.number());
        assertEquals("PostgreSQL " + embedded.number(), embedded.toString());
    }
}
