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
 * Writes the top of docs/benchmarks.md from the results of bench/run.sh: per RPC a table of the ceiling
 * (pgbench), the service and the baseline with the ratios, the service's own view of the same calls
 * (statements per call, time in the handler, from its metrics), where the CPU went, its heap, and where
 * the targets stand. This class computes and formats the figures; the words around them are in
 * the template, {@code report-template.md}. From the hand-written line on, the file keeps what it had.
 *
 * <p>Usage: {@code Report RESULTS_DIR OUTPUT_MD}.
 */
public final class Report {

    private static final List<String> SYSTEMS = List.of("pgbench", "service", "baseline");
    /** In an existing report, the line from which on the text is written by hand; the report keeps it. */
    static final String HAND_WRITTEN = "<!-- Written by hand from here on: bench/run.sh keeps it. -->";
    /** The targets, which the report checks each run against. */
    private static final Limits LIMITS = new Limits(0.8, 0.7, 0.9, 5, 2, 256, 16);

    private final Path results;
    private final Properties env = new Properties();

    private Report(Path results) throws IOException {
        this.results = results;
        try (Reader reader = Files.newBufferedReader(results.resolve("env.properties"))) {
            env.load(reader);
        }
    }

    public static void main(String[] args) throws IOException {
        Path output = Path.of(args[1]);
        String previous = Files.exists(output) ? Files.readString(output) : "";
        Files.writeString(output, render(Path.of(args[0]), previous));
    }

    /** The report of the run in RESULTS, then what PREVIOUS holds from the hand-written line on. */
    static String render(Path results, String previous) throws IOException {
        String report = ReportTemplate.resource("/report-template.md").render(new Report(results).data());
        int handWritten = previous.indexOf(HAND_WRITTEN);
        return handWritten < 0 ? report : report + previous.substring(handWritten);
    }

    /**
     * The targets: the service's calls/s as a share of the ceiling (GetOrder at 32 in flight, CreateOrder),
     * its JVM's CPU per call as a share of the baseline's, PostgreSQL's CPU per call under it above the
     * ceiling's in percent, GetOrder's p99 at 8 in flight, the heap, and how much the live heap may grow
     * over the soak: a few G1 regions.
     */
    record Limits(double getOrderOfCeiling, double createOrderOfCeiling, double cpuOfBaseline,
                  int postgresOverCeilingPercent, int p99Ms, int heapMb, int growthMb) {

        double postgresOfCeiling() {
            return 1 + postgresOverCeilingPercent / 100.0;
        }
    }

    /** Everything the template shows. */
    private record Data(Properties env, Limits limits, String loadBefore, String customers, String products,
                        String orders, List<Change> changes, Optional<Soak> soak, List<RpcSection> rpcSections,
                        List<LinesSection> linesSections, List<CpuRow> cpuRows, List<BaselineRow> baselineRows,
                        Packets packets, Heap heap, Targets targets) {
    }

    private Data data() throws IOException {
        List<Integer> concurrencies = concurrencies("get-order");
        List<Integer> h2loadConcurrencies = concurrencies("h2load-get-order");
        List<RpcSection> rpcSections = new ArrayList<>();
        for (String[] section : new String[][] {
                {"GetOrder, h2load, one fixed order", "h2load-get-order"},
                {"ListOrders, h2load, one fixed customer's first page", "h2load-list-orders"}}) {
            rpcSection(section[0], section[1], h2loadConcurrencies).ifPresent(rpcSections::add);
        }
        for (String[] section : new String[][] {
                {"GetOrder", "get-order"},
                {"ListOrders (first page of 20 orders with their lines)", "list-orders"},
                {"CreateOrder (5 lines)", "create-order-5"}}) {
            rpcSection(section[0], section[1], concurrencies).ifPresent(rpcSections::add);
        }
        List<LinesSection> linesSections = new ArrayList<>();
        for (String concurrency : env.getProperty("lines_concurrency").split(" ")) {
            linesSections.add(linesSection(Integer.parseInt(concurrency)));
        }
        List<Case> cases = cases(h2loadConcurrencies, concurrencies);
        Heap heap = heap();
        Optional<Soak> soak = soak(heap);
        return new Data(env, LIMITS, env.getProperty("load_before").split(" ")[0], thousands(env.getProperty("customers")),
                thousands(env.getProperty("products")), thousands(env.getProperty("orders")), changes(), soak,
                rpcSections, linesSections, cpuRows(cases), baselineRows(cases), packets(), heap, targets(cases));
    }

    // --- the first measurement beside this run -------------------------------------------------------

    /** A run's headline: calls/s, p99, failed calls, and calls/s as a share of its ceiling's. */
    private record Cell(String rate, String p99, String failed, String share) {
    }

    /** A headline cell of the first measurement, with TCP_NODELAY, and of this run. */
    private record Change(String label, Cell first, Cell nodelay, Cell now, String factor) {
    }

    /**
     * The headline cells of the first measurement (bench/src/main/resources/first-measurement.properties),
     * before TCP_NODELAY and the stream-removal fix, beside this run's.
     */
    private List<Change> changes() throws IOException {
        Properties first = firstMeasurement();
        String[][] cells = {
                {"GetOrder, 1 in flight", "get-order-c1"},
                {"GetOrder, 8 in flight", "get-order-c8"},
                {"GetOrder, 32 in flight", "get-order-c32"},
                {"ListOrders, 32 in flight", "list-orders-c32"},
                {"CreateOrder 5 lines, 8 in flight", "create-order-5-c8"},
                {"CreateOrder 5 lines, 32 in flight", "create-order-5-c32"}};
        List<Change> changes = new ArrayList<>();
        for (String[] cell : cells) {
            String name = cell[1];
            if (!Files.exists(results.resolve(name + "-service.json"))) {
                continue; // a run without this concurrency
            }
            double[] ceiling = firstRun(first, name + ".pgbench");
            double[] service = firstRun(first, name + ".service");
            Run now = run(name, "service");
            changes.add(new Change(cell[0], cell(service, ceiling[0]), cell(firstRun(first, name + ".nodelay"), ceiling[0]),
                    cell(new double[] {now.callsPerSecond, now.p50, now.p99, now.failed}, run(name, "pgbench").callsPerSecond),
                    String.format(Locale.ROOT, "%.1f", now.callsPerSecond / service[0])));
        }
        return changes;
    }

    private static Properties firstMeasurement() throws IOException {
        Properties first = new Properties();
        try (var in = Report.class.getResourceAsStream("/first-measurement.properties")) {
            first.load(in);
        }
        return first;
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

    private static Cell cell(double[] run, double ceilingCallsPerSecond) {
        return new Cell(String.format(Locale.ROOT, "%,.0f", run[0]), ms(run[2]),
                run[3] == 0 ? "0" : String.format(Locale.ROOT, "**%,.0f**", run[3]),
                twoDecimals(run[0] / ceilingCallsPerSecond));
    }

    // --- the tables per RPC ----------------------------------------------------------------------------

    /** A run's calls/s, p50, p99, mean latency at the client and failed calls, formatted. */
    private record Figures(String rate, String p50, String p99, String mean, String failed) {

        static Figures of(Run run) {
            return new Figures(Report.rate(run), ms(run.p50), ms(run.p99), ms(run.mean), Report.failed(run));
        }
    }

    /** One row of an RPC's tables: the three systems at one concurrency, and what the service counted. */
    private record RpcRow(int inFlight, Optional<Integer> pgbenchClients, Figures ceiling, Figures service,
                          Figures baseline, String ofCeiling, String ofBaseline, String statementsPerCall,
                          String handlerMean) {
    }

    /** The first message of a failing status of a run. */
    private record Failure(String run, String system, String code, String message) {
    }

    /** The runs of a section that had failed calls. */
    private record Failures(List<Failure> notes) {
    }

    private record RpcSection(String title, List<RpcRow> rows, Optional<Failures> failures) {
    }

    private Optional<RpcSection> rpcSection(String title, String rpc, List<Integer> concurrencies) throws IOException {
        if (concurrencies.isEmpty()) {
            return Optional.empty(); // not run at all
        }
        List<RpcRow> rows = new ArrayList<>();
        for (int concurrency : concurrencies) {
            String name = rpc + "-c" + concurrency;
            Run ceiling = run(name, "pgbench");
            Run service = run(name, "service");
            Run baseline = run(name, "baseline");
            ServerView view = service.server.orElseThrow();
            rows.add(new RpcRow(concurrency,
                    ceiling.clients != concurrency ? Optional.of(ceiling.clients) : Optional.empty(),
                    Figures.of(ceiling), Figures.of(service), Figures.of(baseline), ratio(service, ceiling),
                    ratio(service, baseline), String.format(Locale.ROOT, "%.1f", view.statementsPerCall),
                    ms(view.handlerMeanMs)));
        }
        return Optional.of(new RpcSection(title, rows, failures(concurrencies.stream().map(c -> rpc + "-c" + c).toList())));
    }

    private record LinesRow(int lines, Figures ceiling, Figures service, Figures baseline, String statementsPerCall,
                            String ofCeiling, String ofBaseline) {
    }

    private record LinesSection(int inFlight, List<LinesRow> rows, Optional<Failures> failures) {
    }

    private LinesSection linesSection(int concurrency) throws IOException {
        List<LinesRow> rows = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (int lines : PgbenchScripts.LINE_COUNTS) {
            String name = "create-order-" + lines + "-c" + concurrency;
            names.add(name);
            Run ceiling = run(name, "pgbench");
            Run service = run(name, "service");
            Run baseline = run(name, "baseline");
            rows.add(new LinesRow(lines, Figures.of(ceiling), Figures.of(service), Figures.of(baseline),
                    String.format(Locale.ROOT, "%.1f", service.server.orElseThrow().statementsPerCall),
                    ratio(service, ceiling), ratio(service, baseline)));
        }
        return new LinesSection(concurrency, rows, failures(names));
    }

    /** The first error message of each failing status, for the runs that had failures. */
    private Optional<Failures> failures(List<String> names) throws IOException {
        List<Failure> notes = new ArrayList<>();
        for (String name : names) {
            for (String system : SYSTEMS) {
                if (!Files.exists(results.resolve(name + "-" + system + ".json"))) {
                    continue; // the soak ran on the service only
                }
                for (Map.Entry<String, String> error : run(name, system).firstErrors.entrySet()) {
                    notes.add(new Failure(name, system, error.getKey(), error.getValue()));
                }
            }
        }
        return notes.isEmpty() ? Optional.empty() : Optional.of(new Failures(notes.stream().distinct().toList()));
    }

    // --- the cases, and where their CPU went -----------------------------------------------------------

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

    private record CpuRow(String label, String system, String rate, String postgres, String server, String load,
                          String rest, String busy) {
    }

    /**
     * Where each system's CPU went: on these shared cores a call's cost to the machine, PostgreSQL's part
     * and the load generator's included, is what bounds calls/s.
     */
    private List<CpuRow> cpuRows(List<Case> cases) throws IOException {
        List<CpuRow> rows = new ArrayList<>();
        for (Case c : cases) {
            for (String system : SYSTEMS) {
                CpuPerCall cpu = cpu(c.name, system);
                rows.add(new CpuRow(c.label, system.equals("pgbench") ? "ceiling" : system, rate(run(c.name, system)),
                        whole(cpu.postgres), system.equals("pgbench") ? "" : whole(cpu.server), whole(cpu.load),
                        whole(cpu.other), whole(100 * cpu.busyShare)));
            }
        }
        return rows;
    }

    private CpuPerCall cpu(String name, String system) throws IOException {
        CpuWindow window = CpuWindow.read(results.resolve(name + "-" + system + ".cpu"));
        double rate = run(name, system).callsPerSecond;
        return new CpuPerCall(window.microsPerCall(window.postgres(), rate), window.microsPerCall(window.server(), rate),
                window.microsPerCall(window.load(), rate),
                window.microsPerCall(window.machine() - window.server() - window.postgres() - window.load(), rate),
                window.machine() / window.ticksPerSecond() / window.seconds() / Integer.parseInt(env.getProperty("cores")));
    }

    private record BaselineRow(String label, String callsRatio, String serviceCpu, String baselineCpu, String cpuRatio,
                               String ceilingPostgres, String servicePostgres, String baselinePostgres) {
    }

    /**
     * The service beside the baseline in the terms of the targets: calls/s, and the CPU per call of
     * the server's JVM; PostgreSQL's CPU per call beside the ceiling's tells what the server makes it do.
     */
    private List<BaselineRow> baselineRows(List<Case> cases) throws IOException {
        List<BaselineRow> rows = new ArrayList<>();
        for (Case c : cases) {
            CpuPerCall ceiling = cpu(c.name, "pgbench");
            CpuPerCall service = cpu(c.name, "service");
            CpuPerCall baseline = cpu(c.name, "baseline");
            rows.add(new BaselineRow(c.label, mark(ratio(run(c.name, "service"), run(c.name, "baseline")), callsAhead(c)),
                    whole(service.server), whole(baseline.server),
                    mark(twoDecimals(service.server / baseline.server), cpuAhead(c)),
                    whole(ceiling.postgres), twoDecimals(service.postgres / ceiling.postgres),
                    twoDecimals(baseline.postgres / ceiling.postgres)));
        }
        return rows;
    }

    private boolean callsAhead(Case c) throws IOException {
        return run(c.name, "service").callsPerSecond >= run(c.name, "baseline").callsPerSecond;
    }

    private boolean cpuAhead(Case c) throws IOException {
        return cpu(c.name, "service").server <= LIMITS.cpuOfBaseline * cpu(c.name, "baseline").server;
    }

    /** In bold when the target is missed. */
    private static String mark(String value, boolean met) {
        return met ? value : "**" + value + "**";
    }

    // --- packets ---------------------------------------------------------------------------------------

    /**
     * What a server sent for h2load's GetOrders one at a time, captured on the loopback (bench/run.sh
     * count_packets): CALLS calls, then twice as many; per call, packets and TCP segments with data.
     */
    private record PacketCount(int calls, double packetsPerCall, double segmentsPerCall) {
    }

    private PacketCount packetCount(String system) throws IOException {
        String[] fields = Files.readString(results.resolve("packets-" + system + ".txt")).trim().split("\\s+");
        int calls = Integer.parseInt(fields[0]);
        // the first capture had `calls` calls, the second twice as many: the difference is calls' worth
        return new PacketCount(calls, (Double.parseDouble(fields[3]) - Double.parseDouble(fields[1])) / calls,
                               (Double.parseDouble(fields[4]) - Double.parseDouble(fields[2])) / calls);
    }

    private record Packets(int calls, int twice, String servicePackets, String serviceSegments,
                           String baselinePackets, String baselineSegments) {
    }

    private Packets packets() throws IOException {
        PacketCount service = packetCount("service");
        PacketCount baseline = packetCount("baseline");
        return new Packets(service.calls, 2 * service.calls, twoDecimals(service.packetsPerCall),
                twoDecimals(service.segmentsPerCall), twoDecimals(baseline.packetsPerCall),
                twoDecimals(baseline.segmentsPerCall));
    }

    // --- the heap --------------------------------------------------------------------------------------

    /**
     * The heap of the service (as shipped) over the whole run, from jstat every second, and what jcmd
     * printed of it before the load, at the start of the soak, after the load and after a full GC.
     */
    private record Heap(int seconds, String peakUsedMb, String peakCommittedMb, String oldStartMb, String oldEndMb,
                        Optional<String> before, Optional<String> soakStart, Optional<String> after,
                        Optional<String> afterGc) {
    }

    private Heap heap() throws IOException {
        List<double[]> samples = jstatSamples();
        return new Heap(samples.size(), whole(samples.stream().mapToDouble(sample -> sample[0]).max().orElse(0)),
                whole(samples.stream().mapToDouble(sample -> sample[1]).max().orElse(0)),
                whole(samples.getFirst()[2]), whole(samples.getLast()[2]), heapInfo("heap-before.txt"),
                heapInfo("heap-soak-start-gc.txt"), heapInfo("heap-after.txt"), heapInfo("heap-after-gc.txt"));
    }

    /** What `jcmd GC.heap_info` printed, without the process id; none without a soak. */
    private Optional<String> heapInfo(String file) throws IOException {
        if (!Files.exists(results.resolve(file))) {
            return Optional.empty();
        }
        return Optional.of(Files.readAllLines(results.resolve(file)).stream()
                .filter(row -> !row.matches("^\\d+:$") && !row.isBlank())
                .collect(Collectors.joining("\n")));
    }

    /** The soak's first measurement: calls/s, p99, failed calls, and its heap. */
    private record FirstSoak(String rate, String p99, String failed, String liveMb, String oldStartMb, String oldEndMb,
                             String peakUsedMb) {
    }

    /** The mixed load at the end of the run, and the heap over it, beside the first measurement's. */
    private record Soak(String seconds, String rate, String p99, String failed, String factor, FirstSoak first,
                        String usedMinMb, String usedMaxMb, String firstThirdPeakMb, String lastThirdPeakMb,
                        String oldStartMb, String oldEndMb, String steadyPeakMb, String gcShare, String liveStartMb,
                        String liveEndMb, String growthMb, boolean heapMet, boolean growthMet,
                        Optional<Failures> failures) {
    }

    private Optional<Soak> soak(Heap heap) throws IOException {
        if (!Files.exists(results.resolve("soak-mixed-c32-service.json"))) {
            return Optional.empty();
        }
        Properties firstMeasurement = firstMeasurement();
        double[] then = firstRun(firstMeasurement, "soak-mixed-c32.service");
        FirstSoak first = new FirstSoak(String.format(Locale.ROOT, "%,.0f", then[0]), ms(then[2]),
                String.format(Locale.ROOT, "**%,.0f**", then[3]),
                whole(Double.parseDouble(firstMeasurement.getProperty("heap.after_gc_kb")) / 1024),
                firstMeasurement.getProperty("heap.soak_old_gen_start_mb"),
                firstMeasurement.getProperty("heap.soak_old_gen_end_mb"), firstMeasurement.getProperty("heap.peak_used_mb"));
        Run run = run("soak-mixed-c32", "service");
        double seconds = soakSeconds();
        List<double[]> samples = soakSamples(jstatSamples(), seconds);
        int third = samples.size() / 3;
        double usedMax = samples.stream().mapToDouble(sample -> sample[0]).max().orElse(0);
        double start = liveKb("heap-soak-start-gc.txt") / 1024;
        double end = liveKb("heap-after-gc.txt") / 1024;
        return Optional.of(new Soak(whole(seconds), rate(run), ms(run.p99), failed(run),
                String.format(Locale.ROOT, "%.1f", run.callsPerSecond / then[0]), first,
                whole(samples.stream().mapToDouble(sample -> sample[0]).min().orElse(0)), whole(usedMax),
                whole(samples.subList(0, third).stream().mapToDouble(sample -> sample[0]).max().orElse(0)),
                whole(samples.subList(samples.size() - third, samples.size()).stream()
                        .mapToDouble(sample -> sample[0]).max().orElse(0)),
                whole(samples.getFirst()[2]), whole(samples.getLast()[2]), whole(steadyPeak(samples)),
                String.format(Locale.ROOT, "%.1f", gcShare(samples)), whole(start), whole(end),
                String.format(Locale.ROOT, "%+.1f", end - start),
                steadyPeak(samples) < LIMITS.heapMb && usedMax < LIMITS.heapMb, end - start < LIMITS.growthMb,
                failures(List.of("soak-mixed-c32"))));
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

    // --- the targets -----------------------------------------------------------------------------------

    /** What was measured against a target, and whether it meets it. */
    private record Met(String measured, boolean met) {
    }

    /** A target's measure for one case. */
    private record CaseMet(String label, String measured, boolean met) {
    }

    /** A target's measure at one concurrency. */
    private record InFlightMet(int inFlight, String measured, boolean met) {
    }

    private record GetOrder32(Met ofCeiling, Met ofBaseline) {
    }

    private record P99(String generator, String measured, boolean met) {
    }

    /** A target for every case: how many meet it, and the labels of those that do not. */
    private record Every(int count, int cases, Optional<String> missedIn, boolean met) {

        static Every of(int cases, List<String> missed) {
            return new Every(cases - missed.size(), cases, missed.isEmpty() ? Optional.empty()
                    : Optional.of(String.join("; ", missed)), missed.isEmpty());
        }
    }

    /** Where the run stands against each target (the soak's, in {@link Soak}). */
    private record Targets(Optional<GetOrder32> getOrder32, List<P99> p99At8, Every ahead, Every cheaper, Met oneWrite,
                           List<CaseMet> postgres, List<InFlightMet> createOrder, Met statements, Met failed) {
    }

    private Targets targets(List<Case> cases) throws IOException {
        Optional<GetOrder32> getOrder32 = Optional.empty();
        if (Files.exists(results.resolve("get-order-c32-service.json"))) {
            Run ceiling = run("get-order-c32", "pgbench");
            Run service = run("get-order-c32", "service");
            Run baseline = run("get-order-c32", "baseline");
            getOrder32 = Optional.of(new GetOrder32(
                    new Met(ratio(service, ceiling), service.callsPerSecond >= LIMITS.getOrderOfCeiling * ceiling.callsPerSecond),
                    new Met(ratio(service, baseline), service.callsPerSecond > baseline.callsPerSecond)));
        }
        List<P99> p99At8 = new ArrayList<>();
        for (String name : List.of("h2load-get-order-c8", "get-order-c8")) {
            if (Files.exists(results.resolve(name + "-service.json"))) {
                Run run = run(name, "service");
                p99At8.add(new P99(name.startsWith("h2load") ? "h2load" : "Java load generator", ms(run.p99),
                        run.p99 < LIMITS.p99Ms));
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
        PacketCount servicePackets = packetCount("service");
        PacketCount baselinePackets = packetCount("baseline");
        Met oneWrite = new Met(String.format(Locale.ROOT, "service %.2f, baseline %.2f", servicePackets.segmentsPerCall,
                baselinePackets.segmentsPerCall),
                Math.round(servicePackets.segmentsPerCall) <= Math.round(baselinePackets.segmentsPerCall));
        List<CaseMet> postgres = new ArrayList<>();
        for (Case c : cases) {
            if (c.name.startsWith("create-order")) {
                double share = cpu(c.name, "service").postgres / cpu(c.name, "pgbench").postgres;
                postgres.add(new CaseMet(c.label, twoDecimals(share), share <= LIMITS.postgresOfCeiling()));
            }
        }
        List<InFlightMet> createOrder = new ArrayList<>();
        for (int concurrency : concurrencies("create-order-5")) {
            Run ceiling = run("create-order-5-c" + concurrency, "pgbench");
            Run service = run("create-order-5-c" + concurrency, "service");
            createOrder.add(new InFlightMet(concurrency, ratio(service, ceiling),
                    service.callsPerSecond >= LIMITS.createOrderOfCeiling * ceiling.callsPerSecond));
        }
        String concurrency = env.getProperty("lines_concurrency").split(" ")[0];
        List<String> statements = new ArrayList<>();
        for (int lines : PgbenchScripts.LINE_COUNTS) {
            statements.add(String.format(Locale.ROOT, "%.1f",
                    run("create-order-" + lines + "-c" + concurrency, "service").server.orElseThrow().statementsPerCall));
        }
        long failed = 0;
        try (var files = Files.list(results)) {
            for (Path file : files.filter(file -> file.getFileName().toString().endsWith("-service.json")).toList()) {
                String name = file.getFileName().toString();
                failed += run(name.substring(0, name.length() - "-service.json".length()), "service").failed;
            }
        }
        return new Targets(getOrder32, p99At8, Every.of(cases.size(), slower), Every.of(cases.size(), costlier), oneWrite,
                postgres, createOrder, new Met(String.join(", ", statements), new TreeSet<>(statements).size() == 1),
                new Met(String.format(Locale.ROOT, "%,d", failed), failed == 0));
    }

    // --- the results of a run --------------------------------------------------------------------------

    /** One system's result for one case, with the service's metrics when it has them. */
    private record Run(double callsPerSecond, double p50, double p99, double mean, long calls, long failed,
                       int clients, Map<String, String> firstErrors, Optional<ServerView> server) {
    }

    /** What the service counted for the calls of a run: statements and time in its handler. */
    private record ServerView(double statementsPerCall, double handlerMeanMs) {
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
        Matcher matcher = Pattern.compile("(?m)^" + metric + "\\{code=\"OK\",method=\"" + method + "\"[^}]*} (\\S+)$")
                .matcher(prometheus);
        return matcher.find() ? Double.parseDouble(matcher.group(1)) : 0;
    }

    private static double column(String[] values, List<String> columns, String column) {
        return Double.parseDouble(values[columns.indexOf(column)]);
    }

    // --- formats ---------------------------------------------------------------------------------------

    private static String rate(Run run) {
        return String.format(Locale.ROOT, "%,.0f", run.callsPerSecond);
    }

    private static String ms(double millis) {
        return String.format(Locale.ROOT, millis < 10 ? "%.2f" : "%.1f", millis);
    }

    /** Rounded to a whole number: µs, MB, seconds. */
    private static String whole(double value) {
        return String.format(Locale.ROOT, "%.0f", value);
    }

    private static String twoDecimals(double value) {
        return String.format(Locale.ROOT, "%.2f", value);
    }

    private static String ratio(Run run, Run reference) {
        return twoDecimals(run.callsPerSecond / reference.callsPerSecond);
    }

    private static String failed(Run run) {
        return run.failed == 0 ? "0" : String.format(Locale.ROOT, "**%,d**", run.failed);
    }

    private static String thousands(String number) {
        return String.format(Locale.ROOT, "%,d", Long.parseLong(number));
    }
}
