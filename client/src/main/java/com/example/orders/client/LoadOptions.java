package com.example.orders.client;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * What the load command was asked for.
 *
 * @param concurrency calls in flight at any time: each of that many workers waits for its call's
 *                    answer before it sends the next one
 * @param channels    connections the workers are spread over
 * @param warmup      how long calls run, unmeasured, before the measurement starts
 * @param duration    how long the measurement lasts; ignored when {@code calls} is set
 * @param calls       when above 0, the measurement stops after this many calls instead
 * @param deadline    of each call, as a real client sets one
 * @param parse       whether responses are parsed into messages, as a real client does; when not, only
 *                    their bytes are counted and their status checked, so that the load generator costs
 *                    less per call beside the server it measures
 * @param json        where to write the result, if anywhere
 */
record LoadOptions(Workload workload, int concurrency, int channels, Duration warmup, Duration duration,
                   long calls, Duration deadline, boolean parse, Optional<Path> json) {

    static final int DEFAULT_CONCURRENCY = 8;
    static final Duration DEFAULT_WARMUP = Duration.ofSeconds(5);
    static final Duration DEFAULT_DURATION = Duration.ofSeconds(20);
    static final Duration DEFAULT_DEADLINE = Duration.ofSeconds(10);
    /** The seed command's defaults, so that both work together with no option. */
    static final long DEFAULT_CUSTOMERS = 10_000;
    static final long DEFAULT_PRODUCTS = 1_000;
    static final long DEFAULT_ORDERS = 200_000;
    static final int DEFAULT_LINES = 5;

    LoadOptions {
        if (concurrency < 1 || channels < 1 || channels > concurrency) {
            throw new UsageException("--concurrency must be at least 1 and --channels between 1 and --concurrency");
        }
        if (calls < 0 || duration.isZero() || deadline.isZero()) {
            throw new UsageException("--calls, --duration and --deadline must be positive");
        }
    }

    static LoadOptions from(CliArgs args) {
        Workload workload = new Workload(
                Workload.Rpc.fromCliName(args.required("rpc")),
                args.optionalLong("customers", DEFAULT_CUSTOMERS),
                args.optionalLong("products", DEFAULT_PRODUCTS),
                args.optionalLong("orders", DEFAULT_ORDERS),
                args.optionalInt("lines", DEFAULT_LINES));
        Duration duration = args.optionalDuration("duration", DEFAULT_DURATION);
        long calls = args.optionalLong("calls", 0);
        if (calls > 0 && args.optional("duration").isPresent()) {
            throw new UsageException("give --duration or --calls, not both");
        }
        String responses = args.optional("responses").orElse("parse");
        if (!responses.equals("parse") && !responses.equals("count")) {
            throw new UsageException("--responses must be parse or count, got '" + responses + "'");
        }
        LoadOptions options = new LoadOptions(
                workload,
                args.optionalInt("concurrency", DEFAULT_CONCURRENCY),
                args.optionalInt("channels", 1),
                args.optionalDuration("warmup", DEFAULT_WARMUP),
                duration,
                calls,
                args.optionalDuration("deadline", DEFAULT_DEADLINE),
                responses.equals("parse"),
                args.optional("json").map(Path::of));
        return options;
    }
}
