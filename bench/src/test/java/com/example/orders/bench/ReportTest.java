package com.example.orders.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The report of a made-up run ({@link SampleResults}), filled into the template. */
class ReportTest {

    private static final String HAND_WRITTEN = """
            <!-- Written by hand from here on: bench/run.sh keeps it. -->
            ## Against the baseline

            Written by hand.
            """;

    @TempDir
    Path results;

    private String report(boolean soak) throws IOException {
        SampleResults.write(results, soak);
        return Report.render(results, "# Benchmarks\n\nthe previous run's tables\n\n" + HAND_WRITTEN);
    }

    /** The rows of the table under the heading, up to the first blank line after it. */
    private static List<String> table(String report, String heading) {
        String section = report.substring(report.indexOf("\n" + heading + "\n"));
        String table = section.substring(section.indexOf("\n|"));
        return Arrays.stream(table.substring(1, table.indexOf("\n\n")).split("\n")).skip(2).toList();
    }

    @Test
    void everyTableHasARowPerCase() throws IOException {
        String report = report(true);
        assertEquals(List.of("| 1 ", "| 8 ", "| 32 ", "| 128 (pgbench: 62) "),
                table(report, "## GetOrder").stream().map(row -> row.substring(0, row.indexOf('|', 1))).toList());
        assertEquals(2, table(report, "## GetOrder, h2load, one fixed order").size());
        assertEquals(3, table(report, "## CreateOrder by number of lines (32 in flight)").size());
        // 2 h2load cases for each of 2 RPCs, 4 concurrencies for each of 3 RPCs, 1 and 50 lines at 8 and 32
        assertEquals(20, table(report, "## The service against the baseline").size());
        assertEquals(60, table(report, "## Where the CPU goes").size());
        for (String row : table(report, "## Where the CPU goes")) {
            assertEquals(row.contains("| ceiling |"), row.contains("|  |"), row); // only pgbench has no server JVM
        }
    }

    @Test
    void failedCallsAreNamedWithTheirFirstMessage() throws IOException {
        String report = report(true);
        assertTrue(report.contains("- `list-orders-c32` service: INTERNAL RST_STREAM closed stream\n"), report);
        assertTrue(report.contains("- `get-order-c8` baseline: UNAVAILABLE io exception\n"), report);
        assertTrue(report.contains("| No failed calls on the service | " + SampleResults.SERVICE_FAILED
                + " failed over every run and the soak | **missed** |\n"), report);
    }

    @Test
    void theSoakIsReportedWhenItRan() throws IOException {
        String report = report(true);
        assertTrue(report.contains("The run ended with a soak of 30 s, mixed calls at 32 in flight: 2,958 calls/s"), report);
        assertTrue(report.contains("| No heap growth over the soak (live heap after a full GC grows by less than 16 MB) "
                + "| 30 s soak: 12 MB at the start, 12 MB at the end (+0.1 MB) | met |\n"), report);
        assertTrue(report.contains("`jcmd GC.heap_info` at the start of the soak"), report);
        assertFalse(report.contains("not measured: run with SOAK=300"), report);
    }

    @Test
    void withoutASoakTheHeapTargetsAreNotMeasured() throws IOException {
        String report = report(false);
        assertTrue(report.contains("| not measured: run with SOAK=300 |"), report);
        assertFalse(report.contains("The run ended with a soak"), report);
        assertFalse(report.contains("`jcmd GC.heap_info` at the start of the soak"), report);
    }

    @Test
    void theHandWrittenPartOfThePreviousReportStaysAndTheRestIsReplaced() throws IOException {
        String report = report(true);
        assertTrue(report.endsWith("\n\n" + HAND_WRITTEN), report);
        assertFalse(report.contains("the previous run's tables"), report);
        assertEquals(report.substring(0, report.indexOf(HAND_WRITTEN)), Report.render(results, ""));
    }
}
