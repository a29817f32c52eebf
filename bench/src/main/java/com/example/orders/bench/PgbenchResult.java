package com.example.orders.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import org.HdrHistogram.Histogram;

/**
 * Turns a pgbench run into a result of the load command's shape: the rate pgbench reports, and
 * the latency percentiles of its per-transaction log ({@code --log}), computed as the load command
 * computes them.
 *
 * <p>Usage: {@code PgbenchResult RPC CONCURRENCY CLIENTS LINES PGBENCH_OUTPUT LOG_PREFIX JSON_OUT}.
 */
public final class PgbenchResult {

    private static final Pattern TPS = Pattern.compile("tps = ([0-9.]+) \\(without initial connection time\\)");
    private static final Pattern DURATION = Pattern.compile("duration: ([0-9]+) s");

    private PgbenchResult() {
    }

    public static void main(String[] args) throws IOException {
        String rpc = args[0];
        int concurrency = Integer.parseInt(args[1]);
        int clients = Integer.parseInt(args[2]);
        int lines = Integer.parseInt(args[3]);
        String output = Files.readString(Path.of(args[4]));
        Path logPrefix = Path.of(args[5]);
        Path json = Path.of(args[6]);

        Histogram micros = new Histogram(3);
        long failed = 0;
        // pgbench writes one log per thread: PREFIX.PID and PREFIX.PID.THREAD
        try (DirectoryStream<Path> logs = Files.newDirectoryStream(logPrefix.getParent(),
                                                                    logPrefix.getFileName() + ".*")) {
            for (Path log : logs) {
                for (String line : Files.readAllLines(log)) {
                    // client_id transaction_no time script_no time_epoch time_us; time is "failed" for a failure
                    String time = line.split(" ")[2];
                    if (time.chars().allMatch(Character::isDigit)) {
                        micros.recordValue(Long.parseLong(time));
                    } else {
                        failed++;
                    }
                }
            }
        }

        JsonObject result = new JsonObject();
        result.addProperty("rpc", rpc);
        result.addProperty("target", "pgbench");
        result.addProperty("concurrency", concurrency);
        result.addProperty("clients", clients);
        result.addProperty("lines", lines);
        result.addProperty("warmupSeconds", 0);
        result.addProperty("seconds", Double.parseDouble(find(DURATION, output)));
        result.addProperty("calls", micros.getTotalCount() + failed);
        result.addProperty("callsPerSecond", Double.parseDouble(find(TPS, output)));
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
        Files.writeString(json, new GsonBuilder().setPrettyPrinting().create().toJson(result) + "\n");
    }

    private static String find(Pattern pattern, String output) {
        Matcher matcher = pattern.matcher(output);
        if (!matcher.find()) {
            throw new IllegalArgumentException("pgbench output without '" + pattern + "'");
        }
        return matcher.group(1);
    }
}
