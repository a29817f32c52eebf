package com.example.orders.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Random;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;

/**
 * A results directory as bench/run.sh leaves it (every file {@link Report} reads), with made-up but
 * fixed figures: the same seed writes the same files. Every case of a full run at 1, 8, 32 and 128 in
 * flight (h2load and the line counts at 8 and 32); the service fails 2 calls of ListOrders at 32 in
 * flight and the baseline 3 of GetOrder at 8, so that the report's failure notes show.
 */
final class SampleResults {

    /** The service's calls that failed, over every run. */
    static final int SERVICE_FAILED = 2;

    private final Path dir;
    private final boolean soak;
    private final Random random = new Random(11);

    private SampleResults(Path dir, boolean soak) {
        this.dir = dir;
        this.soak = soak;
    }

    /** Writes the results of a run into DIR, with a 30 s soak at its end when SOAK. */
    static void write(Path dir, boolean soak) throws IOException {
        new SampleResults(dir, soak).write();
    }

    private void write() throws IOException {
        Files.createDirectories(dir);
        env();
        for (String rpc : List.of("get-order", "list-orders")) {
            for (int concurrency : List.of(8, 32)) {
                systems("h2load-" + rpc + "-c" + concurrency, rpc, concurrency, 5);
            }
        }
        for (String rpc : List.of("get-order", "list-orders", "create-order-5")) {
            for (int concurrency : List.of(1, 8, 32, 128)) {
                systems(rpc + "-c" + concurrency, rpc.startsWith("create") ? "create-order" : rpc, concurrency, 5);
            }
        }
        for (int concurrency : List.of(8, 32)) {
            for (int lines : List.of(1, 50)) {
                systems("create-order-" + lines + "-c" + concurrency, "create-order", concurrency, lines);
            }
        }
        Files.writeString(dir.resolve("packets-service.txt"), "200 412 205 812 405\n");
        Files.writeString(dir.resolve("packets-baseline.txt"), "200 420 210 1020 810\n");
        jstat();
        heap("heap-before.txt", 52460, 151552);
        heap("heap-after.txt", 112297, 151552);
        heap("heap-after-gc.txt", 12392, 40960);
        if (soak) {
            heap("heap-soak-start-gc.txt", 12277, 40960);
            JsonObject run = run("mixed", 32, 32, 2958.4, 0, null);
            run.addProperty("seconds", 30.2);
            json("soak-mixed-c32-service", run);
        }
    }

    private void env() throws IOException {
        Files.writeString(dir.resolve("env.properties"), """
                command=DURATION=10 WARMUP=5 SERVER_WARMUP=15 CONCURRENCY="1 8 32 128" H2LOAD_CONCURRENCY="8 32" \
                LINES_CONCURRENCY="8 32" CHANNELS=1 PACKET_CALLS=200 SOAK=%s SERVER_JAVA_OPTS="-Xmx256m" bench/run.sh
                date=2026-12-07 06:00 UTC
                commit=1234abc
                cpu=AMD EPYC
                cores=2
                memory=23 GiB
                kernel=Linux 6.18.44
                jdk=openjdk version "25.0.3" 2026-04-21 LTS
                postgres=PostgreSQL 15.20 (Debian 15.20-0+deb12u1)
                postgres_settings=fsync=on, max_connections=100, shared_buffers=163848kB, synchronous_commit=on, work_mem=4096kB
                load_before=3.57 7.11 8.37
                duration=10
                warmup=5
                server_warmup=15
                server_java_opts=-Xmx256m
                channels=1
                pool_size=10
                pgbench_max_clients=62
                h2load=h2load nghttp2/1.52.0
                h2load_concurrency=8 32
                lines_concurrency=8 32
                fixed_order=100023
                fixed_customer=5000
                fixed_page_lines=192
                customers=10000
                products=1000
                orders=200000
                load_after=10.07 9.39 9.19
                """.formatted(soak ? 30 : 0));
    }

    /** pgbench's, the service's and the baseline's run of one case. */
    private void systems(String name, String rpc, int concurrency, int lines) throws IOException {
        double ceiling = base(rpc) * lines(lines) * (1 + random.nextDouble() / 2);
        for (String system : List.of("pgbench", "service", "baseline")) {
            double rate = system.equals("pgbench") ? ceiling : ceiling * (0.5 + random.nextDouble() / 2);
            int failed = system.equals("service") && name.equals("list-orders-c32") ? SERVICE_FAILED
                    : system.equals("baseline") && name.equals("get-order-c8") ? 3 : 0;
            JsonObject run = run(rpc, concurrency, system.equals("pgbench") ? Math.min(concurrency, 62) : concurrency,
                    rate, failed, failed == 0 ? null : system.equals("service") ? "INTERNAL" : "UNAVAILABLE");
            if ((system.equals("pgbench") || name.startsWith("h2load")) && !run.has("clients")) {
                run.addProperty("clients", concurrency);
            }
            json(name + "-" + system, run);
            cpu(name + "-" + system, rate, !system.equals("pgbench"));
            if (system.equals("service")) {
                prometheus(name, rpc, rate, run.getAsJsonObject("latencyMs").get("mean").getAsDouble() * 0.9);
            }
        }
    }

    private static double base(String rpc) {
        return switch (rpc) {
            case "get-order" -> 12000;
            case "list-orders" -> 2500;
            default -> 2400;
        };
    }

    private static double lines(int lines) {
        return lines == 1 ? 1.3 : lines == 50 ? 0.2 : 1;
    }

    private JsonObject run(String rpc, int concurrency, int clients, double rate, int failed, String code) {
        JsonObject run = new JsonObject();
        run.addProperty("rpc", rpc);
        run.addProperty("concurrency", concurrency);
        if (clients != concurrency) {
            run.addProperty("clients", clients);
        }
        long calls = Math.round(rate * 10);
        run.addProperty("calls", calls);
        run.addProperty("callsPerSecond", calls / 10.0);
        double p50 = concurrency * 1000.0 / rate * (0.8 + random.nextDouble() / 5);
        JsonObject latency = new JsonObject();
        latency.addProperty("p50", p50);
        latency.addProperty("p99", p50 * (2 + 3 * random.nextDouble()));
        latency.addProperty("mean", p50 * 1.1);
        run.add("latencyMs", latency);
        JsonObject statuses = new JsonObject();
        statuses.addProperty("OK", calls - failed);
        if (failed > 0) {
            statuses.addProperty(code, failed);
            JsonObject first = new JsonObject();
            first.addProperty(code, code.equals("INTERNAL") ? "RST_STREAM closed stream" : "io exception");
            run.add("firstErrors", first);
        }
        run.add("statusCounts", statuses);
        return run;
    }

    private void json(String base, JsonObject run) throws IOException {
        Files.writeString(dir.resolve(base + ".json"), new GsonBuilder().setPrettyPrinting().create().toJson(run) + "\n");
    }

    /** Ticks at 100 a second over 10 s: PostgreSQL, the server and the load generator, and the machine. */
    private void cpu(String base, double rate, boolean server) throws IOException {
        double calls = rate * 10;
        double postgres = calls * (100 + 400 * random.nextDouble()) / 1e4;
        double serverTicks = server ? calls * (70 + 300 * random.nextDouble()) / 1e4 : 0;
        double load = calls * (10 + 100 * random.nextDouble()) / 1e4;
        double machine = postgres + serverTicks + load + calls * (random.nextDouble() * 40 - 10) / 1e4;
        Files.writeString(dir.resolve(base + ".cpu"), String.format(Locale.ROOT, "100 1000.00 1010.00 %.0f %.0f %.0f %.0f%n",
                machine, serverTicks, postgres, load));
    }

    /** The service's metrics before and after the run: its calls, their time and their statements. */
    private void prometheus(String name, String rpc, double rate, double handlerMs) throws IOException {
        String method = switch (rpc) {
            case "get-order" -> "GetOrder";
            case "list-orders" -> "ListOrders";
            default -> "CreateOrder";
        };
        double before = 1000 + random.nextInt(1000);
        double calls = Math.round(rate * 10);
        double statements = method.equals("CreateOrder") ? 4 : 1;
        String labels = "{grpc_method=\"orders.v1.OrderService/" + method + "\",grpc_status=\"OK\",scope=\"application\"}";
        for (String when : List.of("before", "after")) {
            double count = when.equals("before") ? before : before + calls;
            Files.writeString(dir.resolve(name + "-service." + when + ".prom"), String.format(Locale.ROOT, """
                    # TYPE grpc_server_call_duration_seconds summary
                    grpc_server_call_duration_seconds_count%1$s %2$.0f
                    grpc_server_call_duration_seconds_sum%1$s %3$.6f
                    grpc_server_call_statements_total%1$s %4$.0f
                    """, labels, count, count * handlerMs / 1000, count * statements));
        }
    }

    /** `jstat -gc` every second: 100 samples, the header repeated after the 50th as jstat does. */
    private void jstat() throws IOException {
        String header = "    S0C         S1C         S0U         S1U          EC           EU           OC           OU"
                + "          MC           MU         CCSC         CCSU     YGC     YGCT     FGC    FGCT     CGC    CGCT       GCT   ";
        StringBuilder out = new StringBuilder(header).append('\n');
        for (int second = 0; second < 100; second++) {
            if (second == 50) {
                out.append(header).append('\n');
            }
            double eden = 1024 * (10 + (second * 37 % 90));
            double old = 1024 * (14 + second * 0.3);
            out.append(String.format(Locale.ROOT, "%10.1f %10.1f %10.1f %10.1f %12.1f %12.1f %12.1f %12.1f %12.1f %12.1f"
                            + " %10.1f %10.1f %6d %8.3f %6d %8.3f %6d %8.3f %8.3f%n",
                    0.0, 2048.0, 0.0, 1024.0 + second, 98304.0, eden, 49152.0, old, 60000.0, 59000.0, 7000.0, 6500.0,
                    second * 2, second * 0.004, 0, 0.0, 0, 0.0, second * 0.007));
        }
        Files.writeString(dir.resolve("service-jstat.txt"), out);
    }

    private void heap(String file, int usedKb, int committedKb) throws IOException {
        Files.writeString(dir.resolve(file), String.format(Locale.ROOT, """
                4242:
                garbage-first heap   total reserved 262144K, committed %dK, used %dK [0x00000000f0000000, 0x0000000100000000)
                 region size 1024K, 39 young (39936K), 1 survivors (1024K)
                """, committedKb, usedKb));
    }
}
