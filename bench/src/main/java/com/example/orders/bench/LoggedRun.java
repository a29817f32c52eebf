package com.example.orders.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import org.HdrHistogram.Histogram;

/**
 * Turns the per-call log of a pgbench or h2load run into a result of the load command's shape: the
 * calls that ended within the run's measurement window (the one its CPU was measured over, in
 * BASE.cpu), their rate, and their latency percentiles as the load command computes them.
 *
 * <p>Usage: {@code LoggedRun pgbench|h2load RPC CONCURRENCY CLIENTS LINES BASE}: reads BASE.cpu and
 * the logs BASE.log*, writes BASE.json.
 */
public final class LoggedRun {

    private LoggedRun() {
    }

    /** One call from a log: when it ended and how long it took, in µs, and whether it succeeded. */
    private record Call(long endMicros, long micros, boolean ok) {

        /** pgbench --log: client_id transaction_no time script_no time_epoch time_us; time is "failed" for a failure. */
        static Call ofPgbench(String line) {
            String[] fields = line.split(" ");
            long end = Long.parseLong(fields[4]) * 1_000_000 + Long.parseLong(fields[5]);
            boolean ok = fields[2].chars().allMatch(Character::isDigit);
            return new Call(end, ok ? Long.parseLong(fields[2]) : 0, ok);
        }

        /**
         * h2load --log-file: start time in µs since the epoch, HTTP status, µs until the response ended.
         * gRPC answers every call with HTTP 200, errors too: bench/run.sh checks the fixed request first.
         */
        static Call ofH2load(String line) {
            String[] fields = line.split("\t");
            long micros = Long.parseLong(fields[2]);
            return new Call(Long.parseLong(fields[0]) + micros, micros, fields[1].equals("200"));
        }
    }

    public static void main(String[] args) throws IOException {
        String format = args[0];
        Path base = Path.of(args[5]);
        CpuWindow window = CpuWindow.read(Path.of(base + ".cpu"));
        long from = Math.round(window.fromEpochSeconds() * 1e6);
        long to = Math.round(window.toEpochSeconds() * 1e6);

        Histogram micros = new Histogram(3);
        long failed = 0;
        // pgbench writes one log per thread: BASE.log.PID and BASE.log.PID.THREAD; h2load one, BASE.log
        try (DirectoryStream<Path> logs = Files.newDirectoryStream(base.getParent(), base.getFileName() + ".log*")) {
            for (Path log : logs) {
                for (String line : Files.readAllLines(log)) {
                    Call call = format.equals("pgbench") ? Call.ofPgbench(line) : Call.ofH2load(line);
                    if (call.endMicros < from || call.endMicros >= to) {
                        continue;
                    }
                    if (call.ok) {
                        micros.recordValue(call.micros);
                    } else {
                        failed++;
                    }
                }
            }
        }

        JsonObject result = new JsonObject();
        result.addProperty("rpc", args[1]);
        result.addProperty("target", format);
        result.addProperty("concurrency", Integer.parseInt(args[2]));
        result.addProperty("clients", Integer.parseInt(args[3]));
        result.addProperty("lines", Integer.parseInt(args[4]));
        result.addProperty("seconds", window.seconds());
        result.addProperty("calls", micros.getTotalCount() + failed);
        result.addProperty("callsPerSecond", (micros.getTotalCount() + failed) / window.seconds());
        JsonObject latency = new JsonObject();
        for (double percentile : List.of(50.0, 90.0, 99.0, 99.9)) {
            String name = "p" + (percentile == Math.rint(percentile) ? String.valueOf((int) percentile) : percentile);
            latency.addProperty(name, micros.getValueAtPercentile(percentile) / 1e3);
        }
        latency.addProperty("max", micros.getMaxValue() / 1e3);
        latency.addProperty("mean", micros.getMean() / 1e3);
        result.add("latencyMs", latency);
        JsonObject statuses = new JsonObject();
        statuses.addProperty("OK", micros.getTotalCount());
        if (failed > 0) {
            statuses.addProperty("FAILED", failed);
        }
        result.add("statusCounts", statuses);
        Files.writeString(Path.of(base + ".json"), new GsonBuilder().setPrettyPrinting().create().toJson(result) + "\n");
    }
}
