package com.example.orders.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeSet;

import com.example.orders.bench.Results.HeapSample;
import com.example.orders.bench.Results.PacketCount;
import com.example.orders.bench.Results.Run;
import com.example.orders.bench.Results.ServerView;

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
    private static final String HAND_WRITTEN = "<!-- Written by hand from here on: bench/run.sh keeps it. -->";
    /** The targets, which the report checks each run against. */
    private static final Limits LIMITS = new Limits(0.8, 0.7, 0.9, 5, 2, 256, 16);

    private final Results results;

    private Report(Results results) {
        this.results = results;
    }

    public static void main(String[] args) throws IOException {
        Path output = Path.of(args[1]);
        String previous = Files.exists(output) ? Files.readString(output) : "";
        Files.writeString(output, render(Path.of(args[0]), previous));
    }

    /** The report of the run in RESULTS, then what PREVIOUS holds from the hand-written line on. */
    static String render(Path results, String previous) throws IOException {
        String report = ReportTemplate.resource("/report-template.md").render(new Report(new Results(results)).data());
        int handWritten = previous.indexOf(HAND_WRITTEN);
        return handWritten < 0 ? report : report + previous.substring(handWritten);
    }

    /**
     * The targets: the service's calls/s as a share of the ceiling (GetOrder at 32 in flight, CreateOrder),
     * its JVM's CPU per call as a share of the baseline's, PostgreSQL's CPU per call under it above the
     * ceiling's in percent, GetOrder's p99 at 8 in flight, the heap, and how much the live heap may grow
     * over the soak: a few G1 regions.
     */
    private record Limits(double getOrderOfCeiling, double createOrderOfCeiling, double cpuOfBaseline,
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
        List<Integer> concurrencies = results.concurrencies("get-order");
        List<Integer> h2loadConcurrencies = results.concurrencies("h2load-get-order");
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
        for (String concurrency : results.env("lines_concurrency").split(" ")) {
            linesSections.add(linesSection(Integer.parseInt(concurrency)));
        }
        List<Case> cases = cases(h2loadConcurrencies, concurrencies);
        Heap heap = heap();
        Optional<Soak> soak = soak();
        return new Data(results.env(), LIMITS, results.env("load_before").split(" ")[0], thousands(results.env("customers")),
                thousands(results.env("products")), thousands(results.env("orders")), changes(), soak,
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
            if (!results.has(name, "service")) {
                continue; // a run without this concurrency
            }
            double[] ceiling = firstRun(first, name + ".pgbench");
            double[] service = firstRun(first, name + ".service");
            Run now = results.run(name, "service");
            changes.add(new Change(cell[0], cell(service, ceiling[0]), cell(firstRun(first, name + ".nodelay"), ceiling[0]),
                    cell(new double[] {now.callsPerSecond(), now.p50(), now.p99(), now.failed()}, results.run(name, "pgbench").callsPerSecond()),
                    String.format(Locale.ROOT, "%.1f", now.callsPerSecond() / service[0])));
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
            return new Figures(Report.rate(run), ms(run.p50()), ms(run.p99()), ms(run.mean()), Report.failed(run));
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
            Run ceiling = results.run(name, "pgbench");
            Run service = results.run(name, "service");
            Run baseline = results.run(name, "baseline");
            ServerView view = service.server().orElseThrow();
            rows.add(new RpcRow(concurrency,
                    ceiling.clients() != concurrency ? Optional.of(ceiling.clients()) : Optional.empty(),
                    Figures.of(ceiling), Figures.of(service), Figures.of(baseline), ratio(service, ceiling),
                    ratio(service, baseline), String.format(Locale.ROOT, "%.1f", view.statementsPerCall()),
                    ms(view.handlerMeanMs())));
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
            Run ceiling = results.run(name, "pgbench");
            Run service = results.run(name, "service");
            Run baseline = results.run(name, "baseline");
            rows.add(new LinesRow(lines, Figures.of(ceiling), Figures.of(service), Figures.of(baseline),
                    String.format(Locale.ROOT, "%.1f", service.server().orElseThrow().statementsPerCall()),
                    ratio(service, ceiling), ratio(service, baseline)));
        }
        return new LinesSection(concurrency, rows, failures(names));
    }

    /** The first error message of each failing status, for the runs that had failures. */
    private Optional<Failures> failures(List<String> names) throws IOException {
        List<Failure> notes = new ArrayList<>();
        for (String name : names) {
            for (String system : SYSTEMS) {
                if (!results.has(name, system)) {
                    continue; // the soak ran on the service only
                }
                for (Map.Entry<String, String> error : results.run(name, system).firstErrors().entrySet()) {
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
        for (String concurrency : results.env("lines_concurrency").split(" ")) {
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
                rows.add(new CpuRow(c.label, system.equals("pgbench") ? "ceiling" : system, rate(results.run(c.name, system)),
                        whole(cpu.postgres), system.equals("pgbench") ? "" : whole(cpu.server), whole(cpu.load),
                        whole(cpu.other), whole(100 * cpu.busyShare)));
            }
        }
        return rows;
    }

    private CpuPerCall cpu(String name, String system) throws IOException {
        CpuWindow window = results.cpu(name, system);
        double rate = results.run(name, system).callsPerSecond();
        return new CpuPerCall(window.microsPerCall(window.postgres(), rate), window.microsPerCall(window.server(), rate),
                window.microsPerCall(window.load(), rate),
                window.microsPerCall(window.machine() - window.server() - window.postgres() - window.load(), rate),
                window.machine() / window.ticksPerSecond() / window.seconds() / Integer.parseInt(results.env("cores")));
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
            rows.add(new BaselineRow(c.label, mark(ratio(results.run(c.name, "service"), results.run(c.name, "baseline")), callsAhead(c)),
                    whole(service.server), whole(baseline.server),
                    mark(twoDecimals(service.server / baseline.server), cpuAhead(c)),
                    whole(ceiling.postgres), twoDecimals(service.postgres / ceiling.postgres),
                    twoDecimals(baseline.postgres / ceiling.postgres)));
        }
        return rows;
    }

    private boolean callsAhead(Case c) throws IOException {
        return results.run(c.name, "service").callsPerSecond() >= results.run(c.name, "baseline").callsPerSecond();
    }

    private boolean cpuAhead(Case c) throws IOException {
        return cpu(c.name, "service").server <= LIMITS.cpuOfBaseline * cpu(c.name, "baseline").server;
    }

    /** In bold when the target is missed. */
    private static String mark(String value, boolean met) {
        return met ? value : "**" + value + "**";
    }

    // --- packets ---------------------------------------------------------------------------------------

    private record Packets(int calls, int twice, String servicePackets, String serviceSegments,
                           String baselinePackets, String baselineSegments) {
    }

    private Packets packets() throws IOException {
        PacketCount service = results.packets("service");
        PacketCount baseline = results.packets("baseline");
        return new Packets(service.calls(), 2 * service.calls(), twoDecimals(service.packetsPerCall()),
                twoDecimals(service.segmentsPerCall()), twoDecimals(baseline.packetsPerCall()),
                twoDecimals(baseline.segmentsPerCall()));
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
        List<HeapSample> samples = results.heapSamples();
        return new Heap(samples.size(), whole(samples.stream().mapToDouble(HeapSample::usedMb).max().orElse(0)),
                whole(samples.stream().mapToDouble(HeapSample::committedMb).max().orElse(0)),
                whole(samples.getFirst().oldMb()), whole(samples.getLast().oldMb()), results.heapInfo("heap-before.txt"),
                results.heapInfo("heap-soak-start-gc.txt"), results.heapInfo("heap-after.txt"), results.heapInfo("heap-after-gc.txt"));
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

    private Optional<Soak> soak() throws IOException {
        if (!results.has(Results.SOAK, "service")) {
            return Optional.empty();
        }
        Properties firstMeasurement = firstMeasurement();
        double[] then = firstRun(firstMeasurement, "soak-mixed-c32.service");
        FirstSoak first = new FirstSoak(String.format(Locale.ROOT, "%,.0f", then[0]), ms(then[2]),
                String.format(Locale.ROOT, "**%,.0f**", then[3]),
                whole(Double.parseDouble(firstMeasurement.getProperty("heap.after_gc_kb")) / 1024),
                firstMeasurement.getProperty("heap.soak_old_gen_start_mb"),
                firstMeasurement.getProperty("heap.soak_old_gen_end_mb"), firstMeasurement.getProperty("heap.peak_used_mb"));
        Run run = results.run(Results.SOAK, "service");
        double seconds = results.soakSeconds();
        List<HeapSample> samples = soakSamples(results.heapSamples(), seconds);
        int third = samples.size() / 3;
        double usedMax = samples.stream().mapToDouble(HeapSample::usedMb).max().orElse(0);
        double start = results.heapUsedMb("heap-soak-start-gc.txt");
        double end = results.heapUsedMb("heap-after-gc.txt");
        return Optional.of(new Soak(whole(seconds), rate(run), ms(run.p99()), failed(run),
                String.format(Locale.ROOT, "%.1f", run.callsPerSecond() / then[0]), first,
                whole(samples.stream().mapToDouble(HeapSample::usedMb).min().orElse(0)), whole(usedMax),
                whole(samples.subList(0, third).stream().mapToDouble(HeapSample::usedMb).max().orElse(0)),
                whole(samples.subList(samples.size() - third, samples.size()).stream()
                        .mapToDouble(HeapSample::usedMb).max().orElse(0)),
                whole(samples.getFirst().oldMb()), whole(samples.getLast().oldMb()), whole(steadyPeak(samples)),
                String.format(Locale.ROOT, "%.1f", gcShare(samples)), whole(start), whole(end),
                String.format(Locale.ROOT, "%+.1f", end - start),
                steadyPeak(samples) < LIMITS.heapMb && usedMax < LIMITS.heapMb, end - start < LIMITS.growthMb,
                failures(List.of(Results.SOAK))));
    }

    /** The most that stayed after young collections (survivors and old generation), in MB. */
    private static double steadyPeak(List<HeapSample> samples) {
        return samples.stream().mapToDouble(HeapSample::steadyMb).max().orElse(0);
    }

    /** The share of the samples' span spent in garbage collection, in percent. */
    private static double gcShare(List<HeapSample> samples) {
        double seconds = samples.size() - 1;
        return seconds <= 0 ? 0 : 100 * (samples.getLast().gcSeconds() - samples.getFirst().gcSeconds()) / seconds;
    }

    /** The soak is the end of the run: its samples are the last ones. */
    private static List<HeapSample> soakSamples(List<HeapSample> samples, double seconds) {
        return samples.subList(Math.max(0, samples.size() - (int) seconds), samples.size());
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
        if (results.has("get-order-c32", "service")) {
            Run ceiling = results.run("get-order-c32", "pgbench");
            Run service = results.run("get-order-c32", "service");
            Run baseline = results.run("get-order-c32", "baseline");
            getOrder32 = Optional.of(new GetOrder32(
                    new Met(ratio(service, ceiling), service.callsPerSecond() >= LIMITS.getOrderOfCeiling * ceiling.callsPerSecond()),
                    new Met(ratio(service, baseline), service.callsPerSecond() > baseline.callsPerSecond())));
        }
        List<P99> p99At8 = new ArrayList<>();
        for (String name : List.of("h2load-get-order-c8", "get-order-c8")) {
            if (results.has(name, "service")) {
                Run run = results.run(name, "service");
                p99At8.add(new P99(name.startsWith("h2load") ? "h2load" : "Java load generator", ms(run.p99()),
                        run.p99() < LIMITS.p99Ms));
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
        PacketCount servicePackets = results.packets("service");
        PacketCount baselinePackets = results.packets("baseline");
        Met oneWrite = new Met(String.format(Locale.ROOT, "service %.2f, baseline %.2f", servicePackets.segmentsPerCall(),
                baselinePackets.segmentsPerCall()),
                Math.round(servicePackets.segmentsPerCall()) <= Math.round(baselinePackets.segmentsPerCall()));
        List<CaseMet> postgres = new ArrayList<>();
        for (Case c : cases) {
            if (c.name.startsWith("create-order")) {
                double share = cpu(c.name, "service").postgres / cpu(c.name, "pgbench").postgres;
                postgres.add(new CaseMet(c.label, twoDecimals(share), share <= LIMITS.postgresOfCeiling()));
            }
        }
        List<InFlightMet> createOrder = new ArrayList<>();
        for (int concurrency : results.concurrencies("create-order-5")) {
            Run ceiling = results.run("create-order-5-c" + concurrency, "pgbench");
            Run service = results.run("create-order-5-c" + concurrency, "service");
            createOrder.add(new InFlightMet(concurrency, ratio(service, ceiling),
                    service.callsPerSecond() >= LIMITS.createOrderOfCeiling * ceiling.callsPerSecond()));
        }
        String concurrency = results.env("lines_concurrency").split(" ")[0];
        List<String> statements = new ArrayList<>();
        for (int lines : PgbenchScripts.LINE_COUNTS) {
            statements.add(String.format(Locale.ROOT, "%.1f",
                    results.run("create-order-" + lines + "-c" + concurrency, "service").server().orElseThrow().statementsPerCall()));
        }
        long failed = results.serviceFailedCalls();
        return new Targets(getOrder32, p99At8, Every.of(cases.size(), slower), Every.of(cases.size(), costlier), oneWrite,
                postgres, createOrder, new Met(String.join(", ", statements), new TreeSet<>(statements).size() == 1),
                new Met(String.format(Locale.ROOT, "%,d", failed), failed == 0));
    }

    // --- formats ---------------------------------------------------------------------------------------

    private static String rate(Run run) {
        return String.format(Locale.ROOT, "%,.0f", run.callsPerSecond());
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
        return twoDecimals(run.callsPerSecond() / reference.callsPerSecond());
    }

    private static String failed(Run run) {
        return run.failed() == 0 ? "0" : String.format(Locale.ROOT, "**%,d**", run.failed());
    }

    private static String thousands(String number) {
        return String.format(Locale.ROOT, "%,d", Long.parseLong(number));
    }
}
