package com.example.orders.client;

import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

import org.HdrHistogram.Histogram;

/**
 * What a load run measured, after its warm-up: every call counts, whatever its status, and its
 * latency is the time from sending the request to having the whole response or the error.
 *
 * @param seconds      length of the measurement
 * @param responseBytes of the measured calls' responses, protobuf bytes without gRPC's framing
 * @param statusCounts calls by gRPC status code name, in code order
 * @param firstErrors  the description of the first error of each code, warm-up included
 */
record LoadResult(String rpc, String target, int concurrency, int channels, int lines, double warmupSeconds,
                  double seconds, long calls, long responseBytes, Latency latencyMs, Map<String, Long> statusCounts,
                  Map<String, String> firstErrors) {

    /** Latency percentiles in milliseconds. */
    record Latency(double p50, double p90, double p99, double p999, double max, double mean) {

        static Latency of(Histogram nanos) {
            return new Latency(millis(nanos.getValueAtPercentile(50)), millis(nanos.getValueAtPercentile(90)),
                               millis(nanos.getValueAtPercentile(99)), millis(nanos.getValueAtPercentile(99.9)),
                               millis(nanos.getMaxValue()), nanos.getMean() / 1e6);
        }

        private static double millis(long nanos) {
            return nanos / 1e6;
        }
    }

    double callsPerSecond() {
        return calls / seconds;
    }

    String toJson() {
        String statuses = statusCounts.entrySet().stream()
                .map(status -> "\"" + status.getKey() + "\": " + status.getValue())
                .collect(Collectors.joining(", "));
        String errors = firstErrors.entrySet().stream()
                .map(error -> "\"" + error.getKey() + "\": \"" + escape(error.getValue()) + "\"")
                .collect(Collectors.joining(", "));
        return String.format(Locale.ROOT, """
                {
                  "rpc": "%s",
                  "target": "%s",
                  "concurrency": %d,
                  "channels": %d,
                  "lines": %d,
                  "warmupSeconds": %.3f,
                  "seconds": %.3f,
                  "calls": %d,
                  "callsPerSecond": %.1f,
                  "responseBytes": %d,
                  "latencyMs": {"p50": %.3f, "p90": %.3f, "p99": %.3f, "p99.9": %.3f, "max": %.3f, "mean": %.3f},
                  "statusCounts": {%s},
                  "firstErrors": {%s}
                }
                """, escape(rpc), escape(target), concurrency, channels, lines, warmupSeconds, seconds, calls,
                callsPerSecond(), responseBytes, latencyMs.p50, latencyMs.p90, latencyMs.p99, latencyMs.p999,
                latencyMs.max, latencyMs.mean, statuses, errors);
    }

    /** For people: what ran, the rate, the latencies and the statuses. */
    String summary() {
        String statuses = statusCounts.entrySet().stream()
                .map(status -> String.format(Locale.ROOT, "%s %,d", status.getKey(), status.getValue()))
                .collect(Collectors.joining(", "));
        return String.format(Locale.ROOT, """
                %s: %d in flight over %d channel%s, %.1f s measured after %.1f s of warm-up
                  calls       %,d (%,.1f/s), %,.0f response bytes per call
                  latency ms  p50 %.3f  p90 %.3f  p99 %.3f  p99.9 %.3f  max %.3f
                  status      %s
                """, rpc, concurrency, channels, channels == 1 ? "" : "s", seconds, warmupSeconds, calls,
                callsPerSecond(), calls == 0 ? 0.0 : (double) responseBytes / calls, latencyMs.p50, latencyMs.p90, latencyMs.p99, latencyMs.p999, latencyMs.max,
                statuses) + firstErrors.entrySet().stream()
                .map(error -> "  first " + error.getKey() + ": " + error.getValue() + "\n")
                .collect(Collectors.joining());
    }

    /** JSON string content: backslashes, quotes and control characters escaped. */
    private static String escape(String text) {
        StringBuilder escaped = new StringBuilder();
        for (char c : text.toCharArray()) {
            switch (c) {
                case '\\', '"' -> escaped.append('\\').append(c);
                case '\n' -> escaped.append("\\n");
                default -> {
                    if (c < 0x20) {
                        escaped.append(String.format("\\u%04x", (int) c));
                    } else {
                        escaped.append(c);
                    }
                }
            }
        }
        return escaped.toString();
    }
}
