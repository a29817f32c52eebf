package com.example.orders.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.OptionalLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI's file of the furthest write position per target, in a temporary directory. */
class WritePositionFileTest {

    private static final long LARGEST = Long.parseUnsignedLong("18446744073709551615");

    @TempDir
    Path dir;

    private final ByteArrayOutputStream warnings = new ByteArrayOutputStream();

    @Test
    void theDirectoryFollowsXdgUnlessTheTestsSayOtherwise() {
        assertEquals(Path.of("/home/ada/.local/state/order-client"), WritePositionFile.directory(Map.of(), "/home/ada"));
        assertEquals(Path.of("/var/state/order-client"),
                     WritePositionFile.directory(Map.of("XDG_STATE_HOME", "/var/state"), "/home/ada"));
        assertEquals(Path.of("/home/ada/.local/state/order-client"),
                     WritePositionFile.directory(Map.of("XDG_STATE_HOME", "relative/state"), "/home/ada"));
        assertEquals(Path.of("/tmp/t"), WritePositionFile.directory(
                Map.of("XDG_STATE_HOME", "/var/state", "ORDER_CLIENT_STATE_DIR", "/tmp/t"), "/home/ada"));
    }

    @Test
    void eachTargetHasAFileOfItsOwn() {
        assertEquals("localhost%3A8080.min-lsn", WritePositionFile.fileName("localhost:8080"));
        assertEquals("a%3A8080%2Cb%3A9090.min-lsn", WritePositionFile.fileName("a:8080,b:9090"));
        assertEquals("dns%3A%2F%2F%2Forders%3A8080.min-lsn", WritePositionFile.fileName("dns:///orders:8080"));
        assertEquals("%5B%3A%3A1%5D%3A8080.min-lsn", WritePositionFile.fileName("[::1]:8080"));
        String longList = "orders-instance-number-one.example.com:8080,".repeat(10);
        assertTrue(WritePositionFile.fileName(longList).matches("[0-9a-f]{64}\\.min-lsn"), WritePositionFile.fileName(longList));
    }

    @Test
    void aMissingFileHoldsNoPosition() {
        assertEquals(OptionalLong.empty(), file().read());
        assertEquals("", warnings());
    }

    @Test
    void itOnlyMovesForward() throws Exception {
        WritePositionFile file = file();

        file.keep(100);
        assertEquals(OptionalLong.of(100), file.read());
        file.keep(99);
        assertEquals(OptionalLong.of(100), file.read());
        file.keep(LARGEST);
        file.keep(5);
        assertEquals(OptionalLong.of(LARGEST), file.read());
        assertEquals("18446744073709551615\n", Files.readString(file.path()));
        assertEquals("", warnings());
    }

    @Test
    void directoriesAreMadeAsNeeded() {
        WritePositionFile file = new WritePositionFile(dir.resolve("state/order-client/t.min-lsn"), warningStream());

        file.keep(3);

        assertEquals(OptionalLong.of(3), file.read());
    }

    @Test
    void whatIsNoPositionIsIgnoredWithOneLineAndOverwritten() throws Exception {
        WritePositionFile file = file();
        Files.writeString(file.path(), "garbage\nmore garbage\n");

        assertEquals(OptionalLong.empty(), file.read());
        file.keep(9);

        assertEquals("warning: ignoring " + file.path() + ": it holds no read-your-writes position ('garbage')\n", warnings());
        assertEquals(OptionalLong.of(9), file.read());
    }

    @Test
    void aFileThatCannotBeWrittenCostsOneLine() throws Exception {
        Path notADirectory = Files.writeString(dir.resolve("plain-file"), "");
        WritePositionFile file = new WritePositionFile(notADirectory.resolve("t.min-lsn"), warningStream());

        file.keep(1);
        file.keep(2);

        assertEquals(OptionalLong.empty(), file.read());
        assertEquals(1, warnings().lines().count(), warnings());
        assertTrue(warnings().startsWith("warning: could not keep the read-your-writes position in " + file.path() + ": "),
                   warnings());
    }

    private WritePositionFile file() {
        return new WritePositionFile(dir.resolve(WritePositionFile.fileName("localhost:8080")), warningStream());
    }

    private PrintStream warningStream() {
        return new PrintStream(warnings, true, StandardCharsets.UTF_8);
    }

    private String warnings() {
        return warnings.toString(StandardCharsets.UTF_8);
    }
}
