package com.example.orders.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What bench/run.sh measured of a run's CPU (BASE.cpu): the clock ticks each process used between
 * two samples of /proc taken while the load ran, after its warm-up.
 *
 * @param ticksPerSecond  the kernel's clock ticks per second (CLK_TCK)
 * @param fromEpochSeconds the first sample
 * @param toEpochSeconds   the second sample
 * @param machine         ticks of the whole machine, every process and the kernel
 * @param server          of the server's JVM; 0 for pgbench, which has none
 * @param postgres        of PostgreSQL: its background processes and the benchmark database's backends
 * @param load            of the load generator: the Java client, h2load or pgbench
 */
record CpuWindow(double ticksPerSecond, double fromEpochSeconds, double toEpochSeconds, double machine,
                 double server, double postgres, double load) {

    static CpuWindow read(Path file) throws IOException {
        String[] fields = Files.readString(file).trim().split("\\s+");
        double[] values = new double[fields.length];
        for (int i = 0; i < fields.length; i++) {
            values[i] = Double.parseDouble(fields[i]);
        }
        return new CpuWindow(values[0], values[1], values[2], values[3], values[4], values[5], values[6]);
    }

    double seconds() {
        return toEpochSeconds - fromEpochSeconds;
    }

    /** µs of CPU per call, from ticks, at {@code callsPerSecond} over the window. */
    double microsPerCall(double ticks, double callsPerSecond) {
        return ticks / ticksPerSecond * 1e6 / (callsPerSecond * seconds());
    }
}
