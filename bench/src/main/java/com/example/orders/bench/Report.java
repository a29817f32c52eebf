package com.example.orders.bench;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

/**
 * Writes docs/benchmarks.md from the results of bench/run.sh: per RPC a table of the ceiling
 * (pgbench), the service and the baseline with the ratios, the service's own view of the same calls
 * (statements per call, time in the handler, from its metrics), its heap, and where the issue's
 * targets stand.
 *
 * <p>Usage: {@code Report RESULTS_DIR OUTPUT_MD}.
 */
public final class Report {

    private static final List<String> SYSTEMS = List.of("pgbench", "service", "baseline");
    /** Growth of the live heap over the soak below which it counts as none: a few G1 regions. */
    private static final int GROWTH_MB = 16;
    /** In an existing report, the line from which on the text is written by hand; the report keeps it. */
    private static final String HAND_WRITTEN = "<!-- Written by hand from here on: bench/run.sh keeps it. -->";

    private final Path results;
    private final Properties env = new Properties();
    private final StringBuilder out = new StringBuilder();

    private Report(Path results) throws IOException {
        this.results = results;
        try (Reader reader = Files.newBufferedReader(results.resolve("env.properties"))) {
            env.load(reader);
        }
    }

    public static void main(String[] args) throws IOException {
        Report report = new Report(Path.of(args[0]));
        report.write();
        Path output = Path.of(args[1]);
        if (Files.exists(output)) {
            String previous = Files.readString(output);
            int handWritten = previous.indexOf(HAND_WRITTEN);
            if (handWritten >= 0) {
                report.out.append(previous.substring(handWritten));
            }
        }
        Files.writeString(output, report.out.toString());
    }

    /** One system's result for one case, with the service's metrics when it has them. */
    private record Run(double callsPerSecond, double p50, double p99, double mean, long calls, long failed,
                       int clients, Map<String, String> firstErrors, Optional<ServerView> server) {
    }

    /** What the service counted for the calls of a run: statements and time in its handler. */
    private record ServerView(double statementsPerCall, double handlerMeanMs) {
    }

    private void write() throws IOException {
        List<Integer> concurrencies = concurrencies("get-order");
        line("# Benchmarks");
        line();
        line("The order service beside the fastest the same SQL can go (pgbench) and beside the server a user");
        line("would write instead (plain grpc-java). Made by `" + env.getProperty("command") + "` on "
                + env.getProperty("date") + ", commit " + env.getProperty("commit") + ".");
        line();
        changesSection();
        machine();
        method();
        List<Integer> h2loadConcurrencies = concurrencies("h2load-get-order");
        rpcSection("GetOrder, h2load, one fixed order", "h2load-get-order", h2loadConcurrencies);
        rpcSection("ListOrders, h2load, one fixed customer's first page", "h2load-list-orders", h2loadConcurrencies);
        rpcSection("GetOrder", "get-order", concurrencies);
        rpcSection("ListOrders (first page of 20 orders with their lines)", "list-orders", concurrencies);
        rpcSection("CreateOrder (5 lines)", "create-order-5", concurrencies);
        for (String concurrency : env.getProperty("lines_concurrency").split(" ")) {
            linesSection(Integer.parseInt(concurrency));
        }
        List<Case> cases = cases(h2loadConcurrencies, concurrencies);
        cpuSection(cases);
        againstBaselineSection(cases);
        packetsSection();
        memorySection();
        targetsSection(cases);
    }

    /**
     * The headline cells of the first measurement (bench/src/main/resources/first-measurement.properties), before
     * TCP_NODELAY and the stream-removal fix, beside this run's.
     */
    private void changesSection() throws IOException {
        Properties first = new Properties();
        try (var in = Report.class.getResourceAsStream("/first-measurement.properties")) {
            first.load(in);
        }
        line("## What each change bought");
        line();
        line("The first measurement (2026-11-24 19:47 UTC, commit caa4fcc, `SOAK=300 bench/run.sh`) ran the service on");
        line("Helidon 4.1.7 as it was then, beside the same jar with TCP_NODELAY switched on by a flag. Two changes since:");
        line();
        line("- **TCP_NODELAY**: `server.connection-options.tcp-no-delay: true` in application.yaml. Helidon leaves it off,");
        line("  and each response waited about 40 ms for the client's delayed ACK.");
        line("- **Stream removal**: `io.helidon.webserver.grpc.GrpcProtocolHandler` shadows Helidon's class with the upstream");
        line("  fix that removes a finished gRPC stream from its connection. 4.1.7 kept every one: after 8192 calls on a");
        line("  connection it sent GOAWAY (calls failed UNAVAILABLE), and each call leaked about 1 KB of heap.");
        line();
        line("Each cell: calls/s, p99 in ms, failed calls, and the share of that run's own ceiling (pgbench). The first");
        line("run had a load average of about 6 from other processes on the machine (this one: "
                + env.getProperty("load_before").split(" ")[0] + " before); the share of the");
        line("ceiling is the fairer comparison across the two runs.");
        line();
        line("| cell | first run, neither change | first run, TCP_NODELAY only | this run, both | calls/s now / first |");
        line("|---|---|---|---|---:|");
        String[][] cells = {
                {"GetOrder, 1 in flight", "get-order-c1"},
                {"GetOrder, 8 in flight", "get-order-c8"},
                {"GetOrder, 32 in flight", "get-order-c32"},
                {"ListOrders, 32 in flight", "list-orders-c32"},
                {"CreateOrder 5 lines, 8 in flight", "create-order-5-c8"},
                {"CreateOrder 5 lines, 32 in flight", "create-order-5-c32"}};
        for (String[] cell : cells) {
            String name = cell[1];
            if (!Files.exists(results.resolve(name + "-service.json"))) {
                continue; // a run without this concurrency
            }
            double[] ceiling = firstRun(first, name + ".pgbench");
            double[] service = firstRun(first, name + ".service");
            Run now = run(name, "service");
            line("| " + cell[0] + " | " + cell(service, ceiling[0]) + " | " + cell(firstRun(first, name + ".nodelay"), ceiling[0])
                    + " | " + cell(new double[] {now.callsPerSecond, now.p50, now.p99, now.failed},
                    run(name, "pgbench").callsPerSecond)
                    + " | " + String.format(Locale.ROOT, "%.1f×", now.callsPerSecond / service[0]) + " |");
        }
        if (Files.exists(results.resolve("soak-mixed-c32-service.json"))) {
            double[] soakThen = firstRun(first, "soak-mixed-c32.service");
            Run soak = run("soak-mixed-c32", "service");
            List<double[]> samples = soakSamples(jstatSamples(), soakSeconds());
            line(String.format(Locale.ROOT, "| Soak, mixed calls at 32 in flight (first 300 s, now %.0f s) | %s calls/s, "
                            + "p99 %s, %s failed | not run | %s calls/s, p99 %s, %s failed | %.1f× |",
                    soakSeconds(), String.format(Locale.ROOT, "%,.0f", soakThen[0]), ms(soakThen[2]),
                    String.format(Locale.ROOT, "**%,.0f**", soakThen[3]), rate(soak), ms(soak.p99), failed(soak),
                    soak.callsPerSecond / soakThen[0]));
            line(String.format(Locale.ROOT, "| Live heap after the soak (full GC) | %.0f MB | not measured | %.0f MB | |",
                    Double.parseDouble(first.getProperty("heap.after_gc_kb")) / 1024, liveKb("heap-after-gc.txt") / 1024));
            line(String.format(Locale.ROOT, "| Old generation over the soak | %s → %s MB | not measured | %.0f → %.0f MB | |",
                    first.getProperty("heap.soak_old_gen_start_mb"), first.getProperty("heap.soak_old_gen_end_mb"),
                    samples.getFirst()[2], samples.getLast()[2]));
            line(String.format(Locale.ROOT, "| Heap used at most over the run | %s MB | not measured | %.0f MB | |",
                    first.getProperty("heap.peak_used_mb"),
                    jstatSamples().stream().mapToDouble(sample -> sample[0]).max().orElse(0)));
        }
        line();
        line("TCP_NODELAY is the first column against the second: the same code, the flag on. The stream removal is the");
        line("second against the third: it takes the failed calls and the heap growth away (the throughput difference");
        line("there is the fix plus the quieter machine).");
        line();
    }

    /** calls/s, p50, p99, failed of a first-measurement cell. */
    private static double[] firstRun(Properties first, String key) {
        String value = first.getProperty(key);
        if (value == null) {
            throw new IllegalStateException("no " + key + " in first-measurement.properties");
        }
        String[] parts = value.trim().split("\\s+");
        double[] run = new double[parts.length];
        for (int i = 0; i < parts.length; i++) {
            run[i] = Double.parseDouble(parts[i]);
        }
        return run;
    }

    private static String cell(double[] run, double ceilingCallsPerSecond) {
        return String.format(Locale.ROOT, "%,.0f calls/s, p99 %s, %s failed (%.2f of ceiling)", run[0], ms(run[2]),
                run[3] == 0 ? "0" : String.format(Locale.ROOT, "**%,.0f**", run[3]), run[0] / ceilingCallsPerSecond);
    }

    private void machine() {
        line("## Machine");
        line();
        line("| | |");
        line("|---|---|");
        line("| CPU | " + env.getProperty("cpu") + ", " + env.getProperty("cores") + " cores |");
        line("| Memory | " + env.getProperty("memory") + " |");
        line("| OS | " + env.getProperty("kernel") + " |");
        line("| JDK | " + env.getProperty("jdk") + " |");
        line("| PostgreSQL | " + env.getProperty("postgres") + " on 127.0.0.1; " + env.getProperty("postgres_settings") + " |");
        line("| Load average (1, 5, 15 min) | before " + env.getProperty("load_before") + ", after "
                + env.getProperty("load_after") + " |");
        line();
        line("Everything runs on this one machine and shares its cores: PostgreSQL, the servers, pgbench and the");
        line("load generator. The numbers compare the systems with each other on equal terms; they are not what");
        line("the service does on a machine of its own. Other processes on the machine (the load average above)");
        line("make single runs noisy: compare within a table, not across runs.");
        line();
    }

    private void method() {
        line("## What ran");
        line();
        line("Data: `bin/client seed`: " + thousands(env.getProperty("customers")) + " customers, "
                + thousands(env.getProperty("products")) + " products, " + thousands(env.getProperty("orders"))
                + " orders of 1 to 20 lines (about 2.1 million lines). Calls: GetOrder of a random order; ListOrders,");
        line("the first page (20) of a random customer's orders, about 20 orders and 210 lines; CreateOrder of random");
        line("distinct products, quantity 1, for a random customer, with a fresh request id. h2load sends one fixed");
        line("request: GetOrder of order " + env.getProperty("fixed_order") + " (10 lines), ListOrders of customer "
                + env.getProperty("fixed_customer") + " (a first page of 20 orders, " + env.getProperty("fixed_page_lines")
                + " lines), and");
        line("pgbench's ceiling beside it reads the same order and customer.");
        line();
        line("- **ceiling**: `pgbench -M prepared` running the RPC's statements, generated from the service's `Sql`");
        line("  (`bench/target/pgbench/`, written from `Sql` at each run), one client per call in flight but at most " + env.getProperty("pgbench_max_clients")
                + " (what the database's `max_connections` leaves");
        line("  beside the servers' pools); latency per transaction. CreateOrder is the service's transaction, committed.");
        line("- **service**: `server/target/order-server.jar` as shipped, pool of " + env.getProperty("pool_size")
                + " connections.");
        line("- **baseline**: `bench/` (`BaselineServer`): grpc-java on Netty, its default executor, HikariCP with the same");
        line("  pool size and plain JDBC running the same `Sql` statements, one explicit transaction for CreateOrder.");
        line();
        line("The servers are called by `bin/client load --responses count` (grpc-java, closed loop, responses");
        line("counted and their status checked, not parsed) or by " + env.getProperty("h2load") + " (`h2load -m N`, the sections");
        line("named so): N calls in flight over " + env.getProperty("channels") + " connection(s), "
                + env.getProperty("warmup") + " s of warm-up, then " + env.getProperty("duration")
                + " s measured, each server warmed up first with " + env.getProperty("server_warmup") + " s");
        line("of mixed calls. h2load counts HTTP statuses only, and gRPC answers errors with HTTP 200: the run");
        line("checks first that each server answers the fixed requests with grpc-status 0, and stops if not.");
        line("Calls/s, pgbench's and h2load's latencies, and the CPU per call come from the same window of "
                + env.getProperty("duration") + " s");
        line("(the Java load generator's latencies from its own, as long). Latencies in milliseconds; calls/s counts");
        line("every call, failed ones too.");
        line();
    }

    private void rpcSection(String title, String rpc, List<Integer> concurrencies) throws IOException {
        if (concurrencies.isEmpty()) {
            return; // not run at all
        }
        line("## " + title);
        line();
        line("| in flight | ceiling calls/s | p50 | p99 | service calls/s | p50 | p99 | baseline calls/s | p50 | p99 "
                + "| service / ceiling | service / baseline |");
        line("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        for (int concurrency : concurrencies) {
            String name = rpc + "-c" + concurrency;
            Run ceiling = run(name, "pgbench");
            Run service = run(name, "service");
            Run baseline = run(name, "baseline");
            line("| " + concurrency + (ceiling.clients != concurrency ? " (pgbench: " + ceiling.clients + ")" : "")
                    + " | " + rate(ceiling) + " | " + ms(ceiling.p50) + " | " + ms(ceiling.p99)
                    + " | " + rate(service) + " | " + ms(service.p50) + " | " + ms(service.p99)
                    + " | " + rate(baseline) + " | " + ms(baseline.p50) + " | " + ms(baseline.p99)
                    + " | " + ratio(service, ceiling) + " | " + ratio(service, baseline) + " |");
        }
        line();
        line("The service's side of the same runs:");
        line();
        line("| in flight | service failed calls | statements per call | mean in handler | mean at client |");
        line("|---:|---:|---:|---:|---:|");
        for (int concurrency : concurrencies) {
            Run service = run(rpc + "-c" + concurrency, "service");
            ServerView view = service.server.orElseThrow();
            line("| " + concurrency + " | " + failed(service) + " | " + String.format(Locale.ROOT, "%.1f", view.statementsPerCall)
                    + " | " + ms(view.handlerMeanMs) + " | " + ms(service.mean) + " |");
        }
        line();
        errors(concurrencies.stream().map(c -> rpc + "-c" + c).toList());
    }

    private void linesSection(int concurrency) throws IOException {
        line("## CreateOrder by number of lines (" + concurrency + " in flight)");
        line();
        line("The statements per call are the service's own count (its `grpc.server.call.statements` metric); a");
        line("transaction adds its commit. They do not grow with the lines: lines go in and out as arrays.");
        line();
        line("| lines | ceiling calls/s | p50 | p99 | service calls/s | p50 | p99 | statements per call "
                + "| baseline calls/s | p50 | p99 | service / ceiling | service / baseline |");
        line("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        List<String> names = new ArrayList<>();
        for (int lines : PgbenchScripts.LINE_COUNTS) {
            String name = "create-order-" + lines + "-c" + concurrency;
            names.add(name);
            Run ceiling = run(name, "pgbench");
            Run service = run(name, "service");
            Run baseline = run(name, "baseline");
            line("| " + lines + " | " + rate(ceiling) + " | " + ms(ceiling.p50) + " | " + ms(ceiling.p99)
                    + " | " + rate(service) + " | " + ms(service.p50) + " | " + ms(service.p99)
                    + " | " + String.format(Locale.ROOT, "%.1f", service.server.orElseThrow().statementsPerCall)
                    + " | " + rate(baseline) + " | " + ms(baseline.p50) + " | " + ms(baseline.p99)
                    + " | " + ratio(service, ceiling) + " | " + ratio(service, baseline) + " |");
        }
        line();
        errors(names);
    }

    /** A case of the run: what the tables call it, and the stem of its result files. */
    private record Case(String label, String name) {
    }

    /** Every case whose three systems ran: h2load's, then the Java load generator's, then the line counts. */
    private List<Case> cases(List<Integer> h2loadConcurrencies, List<Integer> concurrencies) {
        List<Case> cases = new ArrayList<>();
        for (String[] rpc : new String[][] {{"GetOrder", "get-order"}, {"ListOrders", "list-orders"}}) {
            for (int concurrency : h2loadConcurrencies) {
                cases.add(new Case(rpc[0] + ", " + concurrency + " in flight, h2load", "h2load-" + rpc[1] + "-c" + concurrency));
            }
        }
        for (String[] rpc : new String[][] {{"GetOrder", "get-order"}, {"ListOrders", "list-orders"},
                {"CreateOrder 5 lines", "create-order-5"}}) {
            for (int concurrency : concurrencies) {
                cases.add(new Case(rpc[0] + ", " + concurrency + " in flight", rpc[1] + "-c" + concurrency));
            }
        }
        for (String concurrency : env.getProperty("lines_concurrency").split(" ")) {
            for (int lines : PgbenchScripts.LINE_COUNTS) {
                Case lineCase = new Case("CreateOrder " + lines + " line" + (lines == 1 ? "" : "s") + ", " + concurrency
                        + " in flight", "create-order-" + lines + "-c" + concurrency);
                if (!cases.contains(lineCase)) {
                    cases.add(lineCase);
                }
            }
        }
        return cases;
    }

    /** What a run cost per call, in µs of CPU, by process, and how busy it kept the cores. */
    private record CpuPerCall(double postgres, double server, double load, double other, double busyShare) {
    }

    /**
     * Where each system's CPU went: on these shared cores a call's cost to the machine, PostgreSQL's part
     * and the load generator's included, is what bounds calls/s.
     */
    private void cpuSection(List<Case> cases) throws IOException {
        line("## Where the CPU goes");
        line();
        line("CPU time per call in µs, from `/proc` over each run's measured window, by process: PostgreSQL (its");
        line("background processes and the benchmark database's backends; the cluster's other databases and other");
        line("clusters left out), the server's JVM, the load generator (pgbench for the ceiling, h2load, or the Java");
        line("client), and the rest of the machine (the kernel and everything else running). Busy: the share of the "
                + env.getProperty("cores"));
        line("cores in use. When busy is near 100 %, calls/s is about the cores divided by the CPU per call.");
        line();
        line("| case | system | calls/s | PostgreSQL | server JVM | load generator | rest | busy |");
        line("|---|---|---:|---:|---:|---:|---:|---:|");
        for (Case c : cases) {
            for (String system : SYSTEMS) {
                CpuPerCall cpu = cpu(c.name, system);
                line(String.format(Locale.ROOT, "| %s | %s | %s | %.0f | %s | %.0f | %.0f | %.0f %% |", c.label,
                        system.equals("pgbench") ? "ceiling" : system, rate(run(c.name, system)), cpu.postgres,
                        system.equals("pgbench") ? "" : String.format(Locale.ROOT, "%.0f", cpu.server), cpu.load,
                        cpu.other, 100 * cpu.busyShare));
            }
        }
        line();
    }

    private CpuPerCall cpu(String name, String system) throws IOException {
        CpuWindow window = CpuWindow.read(results.resolve(name + "-" + system + ".cpu"));
        double rate = run(name, system).callsPerSecond;
        return new CpuPerCall(window.microsPerCall(window.postgres(), rate), window.microsPerCall(window.server(), rate),
                window.microsPerCall(window.load(), rate),
                window.microsPerCall(window.machine() - window.server() - window.postgres() - window.load(), rate),
                window.machine() / window.ticksPerSecond() / window.seconds() / Integer.parseInt(env.getProperty("cores")));
    }

    /**
     * The service beside the baseline in the terms of the targets: calls/s, and the CPU per call of
     * the server's JVM; PostgreSQL's CPU per call beside the ceiling's tells what the server makes it do.
     */
    private void againstBaselineSection(List<Case> cases) throws IOException {
        line("## The service against the baseline");
        line();
        line("Per case: the service's calls/s over the baseline's (target: at least 1), the CPU per call of each");
        line("server's JVM in µs and their ratio (target: at most 0.9), and PostgreSQL's CPU per call under each server");
        line("over the ceiling's, for the same statements (target for CreateOrder: at most 1.05).");
        line();
        line("| case | calls/s service / baseline | service JVM µs | baseline JVM µs | service / baseline CPU "
                + "| PostgreSQL µs: ceiling | service / ceiling | baseline / ceiling |");
        line("|---|---:|---:|---:|---:|---:|---:|---:|");
        for (Case c : cases) {
            CpuPerCall ceiling = cpu(c.name, "pgbench");
            CpuPerCall service = cpu(c.name, "service");
            CpuPerCall baseline = cpu(c.name, "baseline");
            line(String.format(Locale.ROOT, "| %s | %s | %.0f | %.0f | %s | %.0f | %.2f | %.2f |", c.label,
                    mark(ratio(run(c.name, "service"), run(c.name, "baseline")), callsAhead(c)),
                    service.server, baseline.server, mark(String.format(Locale.ROOT, "%.2f", service.server / baseline.server),
                            cpuAhead(c)),
                    ceiling.postgres, service.postgres / ceiling.postgres, baseline.postgres / ceiling.postgres));
        }
        line();
        line("Bold: the target missed.");
        line();
    }

    private boolean callsAhead(Case c) throws IOException {
        return run(c.name, "service").callsPerSecond >= run(c.name, "baseline").callsPerSecond;
    }

    private boolean cpuAhead(Case c) throws IOException {
        return cpu(c.name, "service").server <= 0.9 * cpu(c.name, "baseline").server;
    }

    private static String mark(String value, boolean met) {
        return met ? value : "**" + value + "**";
    }

    /** Packets per call from h2load's GetOrders one at a time, captured on the loopback (bench/run.sh count_packets). */
    private record Packets(int calls, double packetsPerCall, double dataSegmentsPerCall) {
    }

    private Packets packets(String system) throws IOException {
        String[] fields = Files.readString(results.resolve("packets-" + system + ".txt")).trim().split("\\s+");
        int calls = Integer.parseInt(fields[0]);
        // the first capture had `calls` calls, the second twice as many: the difference is calls' worth
        return new Packets(calls, (Double.parseDouble(fields[3]) - Double.parseDouble(fields[1])) / calls,
                           (Double.parseDouble(fields[4]) - Double.parseDouble(fields[2])) / calls);
    }

    private void packetsSection() throws IOException {
        Packets service = packets("service");
        Packets baseline = packets("baseline");
        line("## Packets per call");
        line();
        line("What each server sends for a GetOrder, captured on the loopback with tcpdump (its port only, its side");
        line("only): h2load's fixed GetOrder " + service.calls + " times one at a time on a connection, then "
                + 2 * service.calls + " times; the difference between the two");
        line("captures, per call, leaves the connection's own packets out. A unary response written at once (HEADERS,");
        line("DATA and trailers together) is one segment with data; one written frame by frame is three.");
        line();
        line("| server | packets per call | TCP segments with data per call |");
        line("|---|---:|---:|");
        for (String system : List.of("service", "baseline")) {
            Packets packets = system.equals("service") ? service : baseline;
            line(String.format(Locale.ROOT, "| %s | %.2f | %.2f |", system, packets.packetsPerCall, packets.dataSegmentsPerCall));
        }
        line();
    }

    /** The heap of the service (as shipped) over the whole run, from jstat every second and jcmd. */
    private void memorySection() throws IOException {
        line("## Service heap");
        line();
        List<double[]> samples = jstatSamples();
        double peakUsed = samples.stream().mapToDouble(sample -> sample[0]).max().orElse(0);
        double peakCommitted = samples.stream().mapToDouble(sample -> sample[1]).max().orElse(0);
        line(String.format(Locale.ROOT, "Sampled every second over the %d s of the run (`jstat -gc`): heap used at most "
                        + "**%.0f MB**, committed at most %.0f MB; old generation %.0f MB at the start, %.0f MB at the end. "
                        + "The JVM ran with `" + env.getProperty("server_java_opts") + "` (G1).",
                samples.size(), peakUsed, peakCommitted, samples.getFirst()[2], samples.getLast()[2]));
        line();
        for (String file : List.of("heap-before.txt", "heap-soak-start-gc.txt", "heap-after.txt", "heap-after-gc.txt")) {
            if (!Files.exists(results.resolve(file))) {
                continue; // no soak
            }
            line("`jcmd GC.heap_info` " + switch (file) {
                case "heap-before.txt" -> "before the load:";
                case "heap-soak-start-gc.txt" -> "at the start of the soak, after a full GC (`jcmd GC.run`):";
                case "heap-after.txt" -> "after the load:";
                default -> "after the load and a full GC:";
            });
            line();
            line("```");
            Files.readAllLines(results.resolve(file)).stream()
                    .filter(row -> !row.matches("^\\d+:$") && !row.isBlank())
                    .forEach(this::line);
            line("```");
            line();
        }
        Path soak = results.resolve("soak-mixed-c32-service.json");
        if (Files.exists(soak)) {
            Run run = run("soak-mixed-c32", "service");
            double seconds = soakSeconds();
            List<double[]> soakSamples = soakSamples(samples, seconds);
            int third = soakSamples.size() / 3;
            line(String.format(Locale.ROOT, "The run ended with a soak of %.0f s, mixed calls at 32 in flight: %s calls/s, "
                            + "p99 %s ms, %s failed calls. Over the soak the heap used stayed between %.0f and %.0f MB; "
                            + "its peak was %.0f MB in the first third and %.0f MB in the last; the old generation went "
                            + "from %.0f to %.0f MB.",
                    seconds, rate(run), ms(run.p99), failed(run),
                    soakSamples.stream().mapToDouble(sample -> sample[0]).min().orElse(0),
                    soakSamples.stream().mapToDouble(sample -> sample[0]).max().orElse(0),
                    soakSamples.subList(0, third).stream().mapToDouble(sample -> sample[0]).max().orElse(0),
                    soakSamples.subList(soakSamples.size() - third, soakSamples.size()).stream()
                            .mapToDouble(sample -> sample[0]).max().orElse(0),
                    soakSamples.getFirst()[2], soakSamples.getLast()[2]));
            line();
            line(String.format(Locale.ROOT, "What stays after each young collection (survivors and old generation, the steady "
                            + "heap) was at most **%.0f MB** over the soak; garbage collection took %.1f %% of its time.",
                    steadyPeak(soakSamples), gcShare(soakSamples)));
            line();
            line(String.format(Locale.ROOT, "Live heap (used after a full GC): %.0f MB at the start of the soak, "
                    + "%.0f MB at its end.", liveKb("heap-soak-start-gc.txt") / 1024, liveKb("heap-after-gc.txt") / 1024));
            line();
            errors(List.of("soak-mixed-c32"));
        }
    }

    private void targetsSection(List<Case> cases) throws IOException {
        line("## Where the targets stand");
        line();
        line("| target | measured | |");
        line("|---|---|---|");
        if (Files.exists(results.resolve("get-order-c32-service.json"))) {
            Run getCeiling = run("get-order-c32", "pgbench");
            Run getService = run("get-order-c32", "service");
            Run getBaseline = run("get-order-c32", "baseline");
            target("GetOrder at 32 in flight: at least 0.8 of the ceiling",
                    ratio(getService, getCeiling),
                    getService.callsPerSecond >= 0.8 * getCeiling.callsPerSecond);
            target("GetOrder at 32 in flight: ahead of the baseline",
                    ratio(getService, getBaseline),
                    getService.callsPerSecond > getBaseline.callsPerSecond);
        }
        for (String name : List.of("h2load-get-order-c8", "get-order-c8")) {
            if (Files.exists(results.resolve(name + "-service.json"))) {
                Run get8 = run(name, "service");
                target("GetOrder at 8 in flight" + (name.startsWith("h2load") ? ", h2load" : ", Java load generator")
                        + ": p99 under 2 ms", ms(get8.p99) + " ms", get8.p99 < 2);
            }
        }
        List<String> slower = new ArrayList<>();
        List<String> costlier = new ArrayList<>();
        for (Case c : cases) {
            if (!callsAhead(c)) {
                slower.add(c.label);
            }
            if (!cpuAhead(c)) {
                costlier.add(c.label);
            }
        }
        target("Calls/s at least the baseline's, every case",
                (cases.size() - slower.size()) + " of " + cases.size() + " cases"
                        + (slower.isEmpty() ? "" : "; behind in " + String.join("; ", slower)), slower.isEmpty());
        target("Service JVM's CPU per call at most 0.9 of the baseline's, every case",
                (cases.size() - costlier.size()) + " of " + cases.size() + " cases"
                        + (costlier.isEmpty() ? "" : "; above in " + String.join("; ", costlier)), costlier.isEmpty());
        Packets servicePackets = packets("service");
        Packets baselinePackets = packets("baseline");
        target("A unary response leaves in one write: segments with data per GetOrder equal to the baseline's",
                String.format(Locale.ROOT, "service %.2f, baseline %.2f", servicePackets.dataSegmentsPerCall,
                        baselinePackets.dataSegmentsPerCall),
                Math.round(servicePackets.dataSegmentsPerCall) <= Math.round(baselinePackets.dataSegmentsPerCall));
        for (Case c : cases) {
            if (c.name.startsWith("create-order")) {
                double share = cpu(c.name, "service").postgres / cpu(c.name, "pgbench").postgres;
                target("PostgreSQL's CPU per call under the service within 5 % of pgbench's, " + c.label,
                        String.format(Locale.ROOT, "%.2f", share), share <= 1.05);
            }
        }
        for (int concurrency : concurrencies("create-order-5")) {
            Run ceiling = run("create-order-5-c" + concurrency, "pgbench");
            Run service = run("create-order-5-c" + concurrency, "service");
            target("CreateOrder, 5 lines, " + concurrency + " in flight: at least 0.7 of the ceiling",
                    ratio(service, ceiling),
                    service.callsPerSecond >= 0.7 * ceiling.callsPerSecond);
        }
        String concurrency = env.getProperty("lines_concurrency").split(" ")[0];
        List<String> statements = new ArrayList<>();
        for (int lines : PgbenchScripts.LINE_COUNTS) {
            statements.add(String.format(Locale.ROOT, "%.1f",
                    run("create-order-" + lines + "-c" + concurrency, "service").server.orElseThrow().statementsPerCall));
        }
        target("CreateOrder: round trips per call do not grow with the lines",
                "statements per call for 1, 5, 50 lines: " + String.join(", ", statements),
                new TreeSet<>(statements).size() == 1);
        if (Files.exists(results.resolve("soak-mixed-c32-service.json"))) {
            List<double[]> soak = soakSamples(jstatSamples(), soakSeconds());
            double peak = soak.stream().mapToDouble(sample -> sample[0]).max().orElse(0);
            double start = liveKb("heap-soak-start-gc.txt") / 1024;
            double end = liveKb("heap-after-gc.txt") / 1024;
            target("Steady heap under load under 256 MB",
                    String.format(Locale.ROOT, "over the soak: at most %.0f MB after each young collection, heap used "
                            + "(garbage included) at most %.0f MB with `%s`, %.1f %% of the time in GC; live after a full "
                            + "GC %.0f MB", steadyPeak(soak), peak, env.getProperty("server_java_opts"), gcShare(soak), end),
                    steadyPeak(soak) < 256 && peak < 256);
            target("No heap growth over the soak (live heap after a full GC grows by less than " + GROWTH_MB + " MB)",
                    String.format(Locale.ROOT, "%.0f s soak: %.0f MB at the start, %.0f MB at the end (%+.1f MB)",
                            soakSeconds(), start, end, end - start), end - start < GROWTH_MB);
        } else {
            line("| Heap under load under 256 MB; no growth over a 5-minute soak | not measured: run with SOAK=300 | |");
        }
        long failed = 0;
        try (var files = Files.list(results)) {
            for (Path file : files.filter(file -> file.getFileName().toString().endsWith("-service.json")).toList()) {
                String name = file.getFileName().toString();
                failed += run(name.substring(0, name.length() - "-service.json".length()), "service").failed;
            }
        }
        target("No failed calls on the service", String.format(Locale.ROOT, "%,d failed over every run and the soak", failed),
                failed == 0);
        line();
    }

    private double soakSeconds() throws IOException {
        return JsonParser.parseString(Files.readString(results.resolve("soak-mixed-c32-service.json")))
                .getAsJsonObject().get("seconds").getAsDouble();
    }

    /**
     * The service's heap every second over the run (`jstat -gc`): used MB, committed MB, old generation used MB,
     * survivors and old generation used MB, seconds spent in GC since start.
     */
    private List<double[]> jstatSamples() throws IOException {
        List<double[]> samples = new ArrayList<>();
        List<String> rows = Files.readAllLines(results.resolve("service-jstat.txt"));
        List<String> columns = List.of(rows.getFirst().trim().split("\\s+"));
        for (String row : rows.subList(1, rows.size())) {
            if (row.isBlank() || row.trim().startsWith("S0C")) {
                continue;
            }
            String[] values = row.trim().split("\\s+");
            double used = column(values, columns, "S0U") + column(values, columns, "S1U") + column(values, columns, "EU")
                    + column(values, columns, "OU");
            double committed = column(values, columns, "S0C") + column(values, columns, "S1C") + column(values, columns, "EC")
                    + column(values, columns, "OC");
            double steady = column(values, columns, "S0U") + column(values, columns, "S1U") + column(values, columns, "OU");
            samples.add(new double[] {used / 1024, committed / 1024, column(values, columns, "OU") / 1024, steady / 1024,
                    column(values, columns, "GCT")});
        }
        return samples;
    }

    /** The most that stayed after young collections (survivors and old generation), in MB. */
    private static double steadyPeak(List<double[]> samples) {
        return samples.stream().mapToDouble(sample -> sample[3]).max().orElse(0);
    }

    /** The share of the samples' span spent in garbage collection, in percent. */
    private static double gcShare(List<double[]> samples) {
        double seconds = samples.size() - 1;
        return seconds <= 0 ? 0 : 100 * (samples.getLast()[4] - samples.getFirst()[4]) / seconds;
    }

    /** The soak is the end of the run: its samples are the last ones. */
    private static List<double[]> soakSamples(List<double[]> samples, double seconds) {
        return samples.subList(Math.max(0, samples.size() - (int) seconds), samples.size());
    }

    /** The heap used, in KB, that a `jcmd GC.heap_info` output reports. */
    private double liveKb(String file) throws IOException {
        Matcher matcher = Pattern.compile("used (\\d+)K").matcher(Files.readString(results.resolve(file)));
        if (!matcher.find()) {
            throw new IllegalStateException("no heap used in " + file);
        }
        return Double.parseDouble(matcher.group(1));
    }

    private void target(String target, String measured, boolean met) {
        line("| " + target + " | " + measured + " | " + (met ? "met" : "**missed**") + " |");
    }

    /** The first error message of each failing status, for the runs that had failures. */
    private void errors(List<String> names) throws IOException {
        List<String> notes = new ArrayList<>();
        for (String name : names) {
            for (String system : SYSTEMS) {
                if (!Files.exists(results.resolve(name + "-" + system + ".json"))) {
                    continue; // the soak ran on the service only
                }
                Run run = run(name, system);
                run.firstErrors.forEach((code, message) -> notes.add(
                        "`" + name + "` " + system + ": " + code + " " + message));
            }
        }
        if (!notes.isEmpty()) {
            line("Failed calls, first message of each code:");
            line();
            notes.stream().distinct().forEach(note -> line("- " + note));
            line();
        }
    }

    private List<Integer> concurrencies(String rpc) throws IOException {
        Pattern name = Pattern.compile(Pattern.quote(rpc) + "-c(\\d+)-service\\.json");
        try (var files = Files.list(results)) {
            return files.map(file -> name.matcher(file.getFileName().toString()))
                    .filter(Matcher::matches)
                    .map(matcher -> Integer.parseInt(matcher.group(1)))
                    .sorted()
                    .toList();
        }
    }

    private Run run(String name, String system) throws IOException {
        JsonObject json = JsonParser.parseString(Files.readString(results.resolve(name + "-" + system + ".json")))
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
        Path before = results.resolve(name + "-" + system + ".before.prom");
        Path after = results.resolve(name + "-" + system + ".after.prom");
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

    private static double column(String[] values, List<String> columns, String column) {
        return Double.parseDouble(values[columns.indexOf(column)]);
    }

    private static String rate(Run run) {
        return String.format(Locale.ROOT, "%,.0f", run.callsPerSecond);
    }

    private static String ms(double millis) {
        return String.format(Locale.ROOT, millis < 10 ? "%.2f" : "%.1f", millis);
    }

    private static String ratio(Run run, Run reference) {
        return String.format(Locale.ROOT, "%.2f", run.callsPerSecond / reference.callsPerSecond);
    }

    private static String failed(Run run) {
        return run.failed == 0 ? "0" : String.format(Locale.ROOT, "**%,d**", run.failed);
    }

    private static String thousands(String number) {
        return String.format(Locale.ROOT, "%,d", Long.parseLong(number));
    }

    private void line(String text) {
        out.append(text).append('\n');
    }

    private void line() {
        out.append('\n');
    }
}
