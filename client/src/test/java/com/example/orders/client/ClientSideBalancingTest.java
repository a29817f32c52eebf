package com.example.orders.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

/** Several targets, no proxy: the load generator's calls go round robin to two real services. */
class ClientSideBalancingTest {

    @Test
    void callsToSeveralTargetsLandOnEachInTurn() throws Exception {
        try (FreshService first = FreshService.start(); FreshService second = FreshService.start()) {
            String targets = "127.0.0.1:" + first.port() + ",127.0.0.1:" + second.port();
            LoadOptions options = new LoadOptions(new Workload(Workload.Rpc.GET_ORDER, 1, 1, 1_000, 1), 1, 1,
                                                  Duration.ZERO, Duration.ofMinutes(1), 40, Duration.ofSeconds(10),
                                                  true, Optional.empty());

            LoadResult result = LoadGenerator.run(new Endpoint(targets, false, Optional.empty(), Optional.empty()), options,
                                                  new PrintStream(OutputStream.nullOutputStream()));

            assertEquals(Map.of("NOT_FOUND", 40L), result.statusCounts(), "every call answered, on empty databases");
            long onFirst = first.statementsExecuted();
            long onSecond = second.statementsExecuted();
            assertTrue(onFirst >= 19 && onSecond >= 19, "round robin: " + onFirst + " and " + onSecond + " calls");
        }
    }
}
