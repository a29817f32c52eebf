package com.example.orders.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI makes one call per run: the write position one run is given reaches the calls of the next
 * ones through its state file. The CLI as its own process, against a stand-in service on a loopback
 * port.
 */
class CliWritePositionTest {

    private final StandInPositions standIn = new StandInPositions();
    private Server server;
    private String target;

    @TempDir
    Path stateDir;

    @BeforeEach
    void startServer() throws IOException {
        server = NettyServerBuilder.forPort(0).addService(standIn.service()).build().start();
        target = "127.0.0.1:" + server.getPort();
    }

    @AfterEach
    void stopServer() {
        server.shutdownNow();
    }

    @Test
    void aWritesPositionGoesWithTheReadsOfTheRunsAfterIt() throws Exception {
        standIn.replies.add("18446744073709551615");

        CliProcess.Result write = cli(stateDir, "create-order", "--customer-id", "1", "--request-id", "r-1", "--line", "1:1");
        CliProcess.Result read = cli(stateDir, "get-order", "--id", "1");
        CliProcess.Result export = cli(stateDir, "export-orders");

        assertEquals(List.of(0, 0, 0), List.of(write.exitStatus(), read.exitStatus(), export.exitStatus()),
                     write.stderr() + read.stderr() + export.stderr());
        assertEquals(List.of("-", "18446744073709551615", "18446744073709551615"), standIn.sent);
        assertEquals("18446744073709551615\n", Files.readString(stateDir.resolve(WritePositionFile.fileName(target))));
    }

    @Test
    void aCorruptFileIsIgnoredWithOneLine() throws Exception {
        Path file = Files.writeString(stateDir.resolve(WritePositionFile.fileName(target)), "not a position");

        CliProcess.Result read = cli(stateDir, "get-order", "--id", "1");

        assertEquals(0, read.exitStatus(), read.stderr());
        assertEquals("warning: ignoring " + file + ": it holds no read-your-writes position ('not a position')\n", read.stderr());
        assertEquals(List.of("-"), standIn.sent);
    }

    @Test
    void aStateDirectoryThatCannotBeWrittenCostsOneLine() throws Exception {
        Path notADirectory = Files.writeString(stateDir.resolve("not-a-directory"), "");
        standIn.replies.add("5");

        CliProcess.Result write = cli(notADirectory, "create-order", "--customer-id", "1", "--request-id", "r-1", "--line", "1:1");

        assertEquals(0, write.exitStatus(), write.stderr());
        List<String> lines = write.stderr().lines().toList();
        assertEquals(1, lines.size(), write.stderr());
        assertTrue(lines.getFirst().startsWith("warning: could not keep the read-your-writes position in "), lines.getFirst());
    }

    private CliProcess.Result cli(Path stateDirectory, String... args) throws Exception {
        return CliProcess.run(CliLauncher.command(), Map.of("ORDER_SERVICE_TARGET", target,
                                                            "ORDER_CLIENT_STATE_DIR", stateDirectory.toString()), args);
    }
}
