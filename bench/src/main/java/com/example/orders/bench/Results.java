package com.example.orders.bench;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

/**
 * What bench/run.sh leaves in its results directory, read: the run's settings (env.properties), each
 * system's result for each case (CASE-SYSTEM.json, .cpu, and the service's metrics before and after,
 * .before.prom and .after.prom), the packet counts, and the service's heap (jstat, jcmd). A case's
 * name is the stem of its files, e.g. {@code get-order-c32}; a system is pgbench, service or baseline.
 */
final class Results {

    /** The soak's case: mixed calls on the service only, at the end of the run. */
    static final String SOAK = "soak-mixed-c32";

    private final Path dir;
    private final Properties env = new Properties();

    Results(Path dir) throws IOException {
        this.dir = dir;
        try (Reader reader = Files.newBufferedReader(dir.resolve("env.properties"))) {
            env.load(reader);
        }
    }

    /** The run's settings and what it found of the machine, as bench/run.sh wrote them. */
    Properties env() {
        return env;
    }

    String env(String key) {
        return env.getProperty(key);
    }

    /** Whether SYSTEM ran the case NAME. */
    boolean has(String name, String system) {
        return Files.exists(dir.resolve(name + "-" + system + ".json"));
    }

    /** The concurrencies at which the service ran RPC (a case name less its {@code -cN}), in order. */
    List<Integer> concurrencies(String rpc) throws IOException {
        Pattern name = Pattern.compile(Pattern.quote(rpc) + "-c(\\d+)-service\\.json");
        try (var files = Files.list(dir)) {
            return files.map(file -> name.matcher(file.getFileName().toString()))
                    .filter(Matcher::matches)
                    .map(matcher -> Integer.parseInt(matcher.group(1)))
                    .sorted()
                    .toList();
        }
    }

    /** One system's result for one case, with the service's metrics when it has them. */
    record Run(double callsPerSecond, double p50, double p99, double mean, long calls, long failed,
               int clients, Map<String, String> firstErrors, Optional<ServerView> server) {
    }

    /** What the service counted for the calls of a run: statements and time in its handler. */
    record ServerView(double statementsPerCall, double handlerMeanMs) {
    }

    Run run(String name, String system) throws IOException {
        JsonObject json = JsonParser.parseString(Files.readString(dir.resolve(name + "-" + system + ".json")))
                .getAsJsonObject();
        JsonObject latency = json.getAsJsonObject("latencyMs");
        long calls = json.get("calls").getAsLong();
        long ok = json.getAsJsonObject("statusCounts").has("OK")
                ? json.getAsJsonObject("statusCounts").get("OK").getAsLong() : 0;
        Map<String, String> firstErrors = json.has("firstErrors")
                ? json.getAsJsonObject("firstErrors").entrySet().stream()
                        .collect(Collectors.toMap(Map.Entry::getKey, entry -> entry.getValue().getAsString()))
                : Map.of();
        return new Run(json.get("callsPerSecond").getAsDouble(), latency.get("p50").getAsDouble(),
                       latency.get("p99").getAsDouble(), latency.get("mean").getAsDouble(), calls, calls - ok,
                       json.has("clients") ? json.get("clients").getAsInt() : json.get("concurrency").getAsInt(),
                       firstErrors, serverView(name, system, json.get("rpc").getAsString()));
    }

    /** From the service's metrics before and after the run, for the RPC's successful calls. */
    private Optional<ServerView> serverView(String name, String system, String rpc) throws IOException {
        Path before = dir.resolve(name + "-" + system + ".before.prom");
        Path after = dir.resolve(name + "-" + system + ".after.prom");
        if (!Files.exists(before) || !Files.exists(after)) {
            return Optional.empty();
        }
        String method = switch (rpc) {
            case "get-order" -> "GetOrder";
            case "list-orders" -> "ListOrders";
            case "create-order" -> "CreateOrder";
            default -> null; // mixed: no single method
        };
        if (method == null) {
            return Optional.empty();
        }
        String beforeText = Files.readString(before);
        String afterText = Files.readString(after);
        double calls = metric(afterText, "grpc_server_call_duration_seconds_count", method)
                - metric(beforeText, "grpc_server_call_duration_seconds_count", method);
        double seconds = metric(afterText, "grpc_server_call_duration_seconds_sum", method)
                - metric(beforeText, "grpc_server_call_duration_seconds_sum", method);
        double statements = metric(afterText, "grpc_server_call_statements_total", method)
                - metric(beforeText, "grpc_server_call_statements_total", method);
        return Optional.of(new ServerView(statements / calls, seconds * 1000 / calls));
    }

    /** A metric's value for the method's OK calls; 0 before the method's first call. */
    private static double metric(String prometheus, String metric, String method) {
        Matcher matcher = Pattern.compile("(?m)^" + metric + "\\{grpc_method=\"orders.v1.OrderService/" + method
                                          + "\",grpc_status=\"OK\"[^}]*} (\\S+)$")
                .matcher(prometheus);
        return matcher.find() ? Double.parseDouble(matcher.group(1)) : 0;
    }

    /** The failed calls of every run of the service, the soak's included. */
    long serviceFailedCalls() throws IOException {
        long failed = 0;
        try (var files = Files.list(dir)) {
            for (Path file : files.filter(file -> file.getFileName().toString().endsWith("-service.json")).toList()) {
                String name = file.getFileName().toString();
                failed += run(name.substring(0, name.length() - "-service.json".length()), "service").failed;
            }
        }
        return failed;
    }

    /** The clock ticks each process used over the measured window of the run. */
    CpuWindow cpu(String name, String system) throws IOException {
        return CpuWindow.read(dir.resolve(name + "-" + system + ".cpu"));
    }

    /**
     * What a server sent for h2load's GetOrders one at a time, captured on the loopback (bench/run.sh
     * count_packets): CALLS calls, then twice as many; per call, packets and TCP segments with data.
     */
    record PacketCount(int calls, double packetsPerCall, double segmentsPerCall) {
    }

    PacketCount packets(String system) throws IOException {
        String[] fields = Files.readString(dir.resolve("packets-" + system + ".txt")).trim().split("\\s+");
        int calls = Integer.parseInt(fields[0]);
        // the first capture had `calls` calls, the second twice as many: the difference is calls' worth
        return new PacketCount(calls, (Double.parseDouble(fields[3]) - Double.parseDouble(fields[1])) / calls,
                               (Double.parseDouble(fields[4]) - Double.parseDouble(fields[2])) / calls);
    }

    /**
     * The service's heap at one second of the run, in MB: used, committed, the old generation used, what
     * stays after young collections (survivors and old generation), and the seconds spent in GC since start.
     */
    record HeapSample(double usedMb, double committedMb, double oldMb, double steadyMb, double gcSeconds) {
    }

    /** The service's heap every second over the run (`jstat -gc`). */
    List<HeapSample> heapSamples() throws IOException {
        List<HeapSample> samples = new ArrayList<>();
        List<String> rows = Files.readAllLines(dir.resolve("service-jstat.txt"));
        List<String> columns = List.of(rows.getFirst().trim().split("\\s+"));
        for (String row : rows.subList(1, rows.size())) {
            if (row.isBlank() || row.trim().startsWith("S0C")) {
                continue; // jstat repeats its header
            }
            String[] values = row.trim().split("\\s+");
            double used = column(values, columns, "S0U") + column(values, columns, "S1U") + column(values, columns, "EU")
                    + column(values, columns, "OU");
            double committed = column(values, columns, "S0C") + column(values, columns, "S1C") + column(values, columns, "EC")
                    + column(values, columns, "OC");
            double steady = column(values, columns, "S0U") + column(values, columns, "S1U") + column(values, columns, "OU");
            samples.add(new HeapSample(used / 1024, committed / 1024, column(values, columns, "OU") / 1024,
                    steady / 1024, column(values, columns, "GCT")));
        }
        return samples;
    }

    private static double column(String[] values, List<String> columns, String column) {
        return Double.parseDouble(values[columns.indexOf(column)]);
    }

    /** What `jcmd GC.heap_info` printed into FILE, without the process id; none if it was not run. */
    Optional<String> heapInfo(String file) throws IOException {
        if (!Files.exists(dir.resolve(file))) {
            return Optional.empty();
        }
        return Optional.of(Files.readAllLines(dir.resolve(file)).stream()
                .filter(row -> !row.matches("^\\d+:$") && !row.isBlank())
                .collect(Collectors.joining("\n")));
    }

    /** The heap used, in MB, that the `jcmd GC.heap_info` output in FILE reports. */
    double heapUsedMb(String file) throws IOException {
        Matcher matcher = Pattern.compile("used (\\d+)K").matcher(Files.readString(dir.resolve(file)));
        if (!matcher.find()) {
            throw new IllegalStateException("no heap used in " + file);
        }
        return Double.parseDouble(matcher.group(1)) / 1024;
    }

    /** How long the soak's measured window lasted. */
    double soakSeconds() throws IOException {
        return JsonParser.parseString(Files.readString(dir.resolve(SOAK + "-service.json")))
                .getAsJsonObject().get("seconds").getAsDouble();
    }
}
