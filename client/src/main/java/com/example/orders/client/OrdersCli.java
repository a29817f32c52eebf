package com.example.orders.client;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.sql.SQLException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

import com.example.orders.v1.CancelOrderRequest;
import com.example.orders.v1.CreateCustomerRequest;
import com.example.orders.v1.CreateOrderRequest;
import com.example.orders.v1.CreateProductRequest;
import com.example.orders.v1.ExportOrdersRequest;
import com.example.orders.v1.GetCustomerRequest;
import com.example.orders.v1.GetOrderRequest;
import com.example.orders.v1.GetOrdersRequest;
import com.example.orders.v1.ListOrdersRequest;
import com.example.orders.v1.ListProductsRequest;
import com.example.orders.v1.OrderEvent;
import com.example.orders.v1.OrderLineRequest;
import com.example.orders.v1.OrderServiceGrpc;
import com.example.orders.v1.OrderServiceGrpc.OrderServiceBlockingStub;
import com.example.orders.v1.OrderStatus;
import com.example.orders.v1.UpdateOrderStatusRequest;
import com.example.orders.v1.WatchOrderEventsRequest;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Timestamp;
import com.google.protobuf.util.JsonFormat;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;

/**
 * Command-line client for the order service: one RPC per run, the response printed as JSON; and the
 * benchmark's tools, a database seed and a load generator.
 */
public final class OrdersCli {

    static final String USAGE = """
            usage: bin/client [--target host[:port][,host[:port]...]] [--tls] [--ca-file PATH]
                              [--token TOKEN] <command> [options]

            Calls the order service and prints the response as JSON.

            connection (before the command; each one left out is taken from its variable):
              --target T      host[:port] (port 8080 when none is given), or several separated by
                              commas, balanced round robin call by call; else $%s,
                              else %s
              --tls           TLS, verifying the server's certificate against the JVM's default
                              trust store ($%s=true); plaintext without it
              --ca-file PATH  TLS, verifying the server's certificate against this CA certificate
                              (PEM) instead ($%s)
              --token TOKEN   sends authorization: Bearer TOKEN on every call ($%s)

            commands:
              create-customer --email E --name N
              get-customer    --id ID
              create-product  --sku S --name N --price-cents P --stock Q
              list-products   [--page-size N] [--page-token T]
              create-order    --customer-id C [--request-id R] --line PRODUCT_ID:QTY [--line ...]
              get-order       --id ID
              list-orders     --customer-id C [--status PENDING|PAID|SHIPPED|CANCELLED]
                              [--page-size N] [--page-token T]
              get-orders      --id ID [--id ID ...]
              export-orders   [--customer-id C] [--status PENDING|PAID|SHIPPED|CANCELLED]
                              [--created-after 2026-01-31T00:00:00Z]
                              every matching order, one JSON object per line, as they arrive
              update-status   --id ID --status PAID|SHIPPED|CANCELLED
              cancel-order    --id ID
              watch-events    [--after-event-id N] [--customer-id C] [--max-events N]
                              order events as they commit, one JSON object per line: first the
                              stored ones after N (0: all), without it only new ones; follows
                              until Ctrl-C or N events, resuming after the last one it printed
                              when the server goes away

            benchmarking:
              seed  --db-url JDBC_URL [--db-user postgres] [--db-password P]
                    [--customers 10000] [--products 1000] [--orders 200000]
                    fills an empty database the service has migrated (start it on it once)
              load  --rpc get-order|create-order|list-orders|mixed [--concurrency 8]
                    [--duration 20s | --calls N] [--warmup 5s] [--lines 5] [--channels 1]
                    [--deadline 10s] [--customers N] [--products N] [--orders N] [--json FILE]
                    [--responses parse|count]
                    keeps that many calls in flight on the ids the seed made (same defaults),
                    prints a progress line every second, then calls/s, latencies and statuses;
                    mixed is 70%% get-order, 10%% list-orders, 20%% create-order; count: responses
                    are not parsed, only their bytes counted and their status checked

            read-your-writes: each call sends the furthest write position the service has reported
            to this target (orders-min-lsn), so that no standby serves it a read without the writes
            it made before, kept from run to run in $%s, else
            ${XDG_STATE_HOME:-$HOME/.local/state}/order-client (load: during its run)

            exit status: 0 on success, 1 on a gRPC error (load: a call failed; seed: it failed),
            2 on bad usage
            """.formatted(CliArgs.TARGET_VARIABLE, CliArgs.DEFAULT_TARGET, CliArgs.TLS_VARIABLE,
                          CliArgs.CA_FILE_VARIABLE, CliArgs.TOKEN_VARIABLE, WritePositionFile.DIRECTORY_VARIABLE);

    /** The options each command takes; any other is refused, naming it, before anything runs. */
    private static final Map<String, List<String>> OPTIONS = Map.ofEntries(
            Map.entry("create-customer", List.of("email", "name")),
            Map.entry("get-customer", List.of("id")),
            Map.entry("create-product", List.of("sku", "name", "price-cents", "stock")),
            Map.entry("list-products", List.of("page-size", "page-token")),
            Map.entry("create-order", List.of("customer-id", "request-id", "line")),
            Map.entry("get-order", List.of("id")),
            Map.entry("list-orders", List.of("customer-id", "status", "page-size", "page-token")),
            Map.entry("get-orders", List.of("id")),
            Map.entry("export-orders", List.of("customer-id", "status", "created-after")),
            Map.entry("update-status", List.of("id", "status")),
            Map.entry("cancel-order", List.of("id")),
            Map.entry("watch-events", List.of("after-event-id", "customer-id", "max-events")),
            Map.entry("seed", List.of("db-url", "db-user", "db-password", "customers", "products", "orders")),
            Map.entry("load", List.of("rpc", "concurrency", "duration", "calls", "warmup", "lines", "channels",
                                      "deadline", "customers", "products", "orders", "json", "responses")));
    private static final long DEADLINE_SECONDS = 10;
    /**
     * The CLI reports each failure itself, as a status; grpc-java would log a warning with a stack
     * trace for some of them first (a host that does not resolve). Held: JUL keeps loggers weakly.
     */
    private static final Logger GRPC_LOG = Logger.getLogger("io.grpc");

    private OrdersCli() {
    }

    public static void main(String[] argv) throws InterruptedException, IOException {
        GRPC_LOG.setLevel(Level.SEVERE);
        System.exit(run(argv));
    }

    static int run(String[] argv) throws InterruptedException, IOException {
        try {
            CliArgs args = CliArgs.parse(argv);
            if (args.helpRequested()) {
                System.out.print(USAGE);
                return 0;
            }
            checkCommand(args);
            return switch (args.command()) {
                case "load" -> load(args.endpoint(), LoadOptions.from(args));
                case "seed" -> seed(args);
                case "watch-events" -> {
                    WatchOrderEventsRequest request = (WatchOrderEventsRequest) toRequest(args);
                    long maxEvents = args.optionalLong("max-events", Long.MAX_VALUE);
                    yield withChannel(args.endpoint(), channel -> watch(channel, request, maxEvents));
                }
                default -> {
                    Message request = toRequest(args);
                    yield withChannel(args.endpoint(), channel -> callOnce(channel, request));
                }
            };
        } catch (UsageException e) {
            System.err.println("error: " + e.getMessage());
            System.err.print(USAGE);
            return 2;
        }
    }

    /** What a command does with its channel; its result is the exit status. */
    private interface ChannelUse {
        int run(ManagedChannel channel) throws InterruptedException, IOException;
    }

    /**
     * Runs {@code use} on a channel to {@code endpoint} that carries the target's read-your-writes
     * position from the runs before this one, and keeps it for the runs after.
     */
    private static int withChannel(Endpoint endpoint, ChannelUse use) throws InterruptedException, IOException {
        WritePositionFile file = WritePositionFile.of(endpoint.target(), System.getenv(), System.err);
        OptionalLong known = file.read();
        WritePosition position = new WritePosition(known);
        ManagedChannel channel = Targets.channelBuilder(endpoint).intercept(position).build();
        try {
            return use.run(channel);
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            if (!position.get().equals(known)) {
                position.get().ifPresent(file::keep);
            }
        }
    }

    private static int callOnce(ManagedChannel channel, Message request) throws IOException {
        try {
            OrderServiceBlockingStub stub = OrderServiceGrpc.newBlockingStub(channel);
            if (request instanceof ExportOrdersRequest export) {
                // An export takes as long as there are orders to send: no deadline.
                printJsonLines(stub.exportOrders(export), System.out);
            } else {
                Message response = call(stub.withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS), request);
                System.out.println(JsonFormat.printer().alwaysPrintFieldsWithNoPresence().print(response));
            }
            return 0;
        } catch (StatusRuntimeException e) {
            System.err.println("ERROR " + describe(e.getStatus()));
            return 1;
        }
    }

    /**
     * Prints events as they come, up to {@code maxEvents}. When the server goes away (UNAVAILABLE: it
     * stopped, or the connection broke) it watches again after the last event printed, so that the
     * output misses none and repeats none; any other status ends it.
     */
    private static int watch(ManagedChannel channel, WatchOrderEventsRequest request, long maxEvents) throws InterruptedException {
        JsonFormat.Printer printer = JsonFormat.printer().alwaysPrintFieldsWithNoPresence().omittingInsignificantWhitespace();
        OrderServiceBlockingStub stub = OrderServiceGrpc.newBlockingStub(channel);
        WatchOrderEventsRequest next = request;
        long printed = 0;
        while (printed < maxEvents) {
            try {
                Iterator<OrderEvent> events = stub.watchOrderEvents(next);
                while (printed < maxEvents && events.hasNext()) {
                    OrderEvent event = events.next();
                    System.out.println(printer.print(event));
                    printed++;
                    next = next.toBuilder().setAfterEventId(event.getEventId()).build();
                }
            } catch (StatusRuntimeException e) {
                if (e.getStatus().getCode() != Status.Code.UNAVAILABLE) {
                    System.err.println("ERROR " + describe(e.getStatus()));
                    return 1;
                }
                System.err.println("watch interrupted (" + describe(e.getStatus()) + "), watching again "
                        + (next.hasAfterEventId() ? "after event " + next.getAfterEventId() : "for new events"));
                Thread.sleep(1000);
            } catch (InvalidProtocolBufferException e) {
                throw new IllegalStateException("an event that does not print as JSON", e);
            }
        }
        return 0;
    }

    private static int load(Endpoint endpoint, LoadOptions options) throws InterruptedException, IOException {
        LoadResult result = LoadGenerator.run(endpoint, options, System.err);
        System.out.print(result.summary());
        if (options.json().isPresent()) {
            Files.writeString(options.json().get(), result.toJson());
        }
        return result.statusCounts().keySet().equals(Set.of(Status.Code.OK.name())) ? 0 : 1;
    }

    private static int seed(CliArgs args) {
        String url = args.required("db-url");
        String user = args.optional("db-user").orElse("postgres");
        String password = args.optional("db-password").orElse("");
        long customers = args.optionalLong("customers", LoadOptions.DEFAULT_CUSTOMERS);
        long products = args.optionalLong("products", LoadOptions.DEFAULT_PRODUCTS);
        long orders = args.optionalLong("orders", LoadOptions.DEFAULT_ORDERS);
        try {
            Seed.run(url, user, password, customers, products, orders, System.err);
            return 0;
        } catch (SQLException | IllegalStateException e) {
            System.err.println("ERROR " + e.getMessage());
            return 1;
        }
    }

    /** Refuses an unknown command, and options the command does not take. */
    static void checkCommand(CliArgs args) {
        List<String> options = OPTIONS.get(args.command());
        if (options == null) {
            throw new UsageException("unknown command '" + args.command() + "'");
        }
        args.checkOptions(options);
    }

    /** Builds the request for the command without touching the network, so it can be tested. */
    static Message toRequest(CliArgs args) {
        Message request = switch (args.command()) {
            case "create-customer" -> CreateCustomerRequest.newBuilder()
                    .setEmail(args.required("email"))
                    .setName(args.required("name"))
                    .build();
            case "get-customer" -> GetCustomerRequest.newBuilder()
                    .setId(args.requiredLong("id"))
                    .build();
            case "create-product" -> CreateProductRequest.newBuilder()
                    .setSku(args.required("sku"))
                    .setName(args.required("name"))
                    .setPriceCents(args.requiredLong("price-cents"))
                    .setStock(args.requiredInt("stock"))
                    .build();
            // A page size of 0 lets the server choose its default.
            case "list-products" -> ListProductsRequest.newBuilder()
                    .setPageSize(args.optionalInt("page-size", 0))
                    .setPageToken(args.optional("page-token").orElse(""))
                    .build();
            case "create-order" -> CreateOrderRequest.newBuilder()
                    .setCustomerId(args.requiredLong("customer-id"))
                    .addAllLines(args.repeated("line").stream().map(OrdersCli::toLine).toList())
                    .setRequestId(args.optional("request-id").orElseGet(OrdersCli::newRequestId))
                    .build();
            case "get-order" -> GetOrderRequest.newBuilder()
                    .setOrderId(args.requiredLong("id"))
                    .build();
            case "list-orders" -> ListOrdersRequest.newBuilder()
                    .setCustomerId(args.requiredLong("customer-id"))
                    .setStatus(args.optional("status").map(OrdersCli::toStatus)
                            .orElse(OrderStatus.ORDER_STATUS_UNSPECIFIED))
                    .setPageSize(args.optionalInt("page-size", 0))
                    .setPageToken(args.optional("page-token").orElse(""))
                    .build();
            case "get-orders" -> GetOrdersRequest.newBuilder()
                    .addAllIds(args.repeated("id").stream().map(id -> CliArgs.toLong("id", id)).toList())
                    .build();
            // Customer 0 and an unspecified status stand for all of them.
            case "export-orders" -> {
                ExportOrdersRequest.Builder export = ExportOrdersRequest.newBuilder()
                        .setCustomerId(args.optionalLong("customer-id", 0))
                        .setStatus(args.optional("status").map(OrdersCli::toStatus)
                                .orElse(OrderStatus.ORDER_STATUS_UNSPECIFIED));
                args.optional("created-after").map(OrdersCli::toTimestamp).ifPresent(export::setCreatedAfter);
                yield export.build();
            }
            case "update-status" -> UpdateOrderStatusRequest.newBuilder()
                    .setOrderId(args.requiredLong("id"))
                    .setStatus(toStatus(args.required("status")))
                    .build();
            case "cancel-order" -> CancelOrderRequest.newBuilder()
                    .setOrderId(args.requiredLong("id"))
                    .build();
            case "watch-events" -> {
                WatchOrderEventsRequest.Builder watch = WatchOrderEventsRequest.newBuilder()
                        .setCustomerId(args.optionalLong("customer-id", 0));
                args.optional("after-event-id").map(id -> CliArgs.toLong("after-event-id", id))
                        .ifPresent(watch::setAfterEventId);
                yield watch.build();
            }
            default -> throw new UsageException("unknown command '" + args.command() + "'");
        };
        return request;
    }

    /** Calls the unary RPC that takes {@code request}. */
    private static Message call(OrderServiceBlockingStub stub, Message request) {
        return switch (request) {
            case CreateCustomerRequest r -> stub.createCustomer(r);
            case GetCustomerRequest r -> stub.getCustomer(r);
            case CreateProductRequest r -> stub.createProduct(r);
            case ListProductsRequest r -> stub.listProducts(r);
            case CreateOrderRequest r -> stub.createOrder(r);
            case GetOrderRequest r -> stub.getOrder(r);
            case ListOrdersRequest r -> stub.listOrders(r);
            case GetOrdersRequest r -> stub.getOrders(r);
            case UpdateOrderStatusRequest r -> stub.updateOrderStatus(r);
            case CancelOrderRequest r -> stub.cancelOrder(r);
            default -> throw new IllegalArgumentException("no RPC takes " + request.getClass().getName());
        };
    }

    /** One compact JSON object per line (JSON Lines), each printed as soon as it arrives. */
    static void printJsonLines(Iterator<? extends Message> messages, PrintStream out)
            throws InvalidProtocolBufferException {
        JsonFormat.Printer printer = JsonFormat.printer().alwaysPrintFieldsWithNoPresence().omittingInsignificantWhitespace();
        while (messages.hasNext()) {
            out.println(printer.print(messages.next()));
        }
    }

    /** The user needs the generated id to retry the same order without placing it twice. */
    private static String newRequestId() {
        String requestId = UUID.randomUUID().toString();
        System.err.println("no --request-id given, using " + requestId);
        return requestId;
    }

    private static OrderLineRequest toLine(String line) {
        String[] parts = line.split(":", -1);
        if (parts.length != 2) {
            throw badLine(line);
        }
        try {
            return OrderLineRequest.newBuilder()
                    .setProductId(Long.parseLong(parts[0]))
                    .setQuantity(Integer.parseInt(parts[1]))
                    .build();
        } catch (NumberFormatException e) {
            throw badLine(line);
        }
    }

    private static UsageException badLine(String line) {
        return new UsageException("--line must be PRODUCT_ID:QTY, got '" + line + "'");
    }

    private static OrderStatus toStatus(String status) {
        return switch (status.toUpperCase(Locale.ROOT)) {
            case "PENDING" -> OrderStatus.ORDER_STATUS_PENDING;
            case "PAID" -> OrderStatus.ORDER_STATUS_PAID;
            case "SHIPPED" -> OrderStatus.ORDER_STATUS_SHIPPED;
            case "CANCELLED" -> OrderStatus.ORDER_STATUS_CANCELLED;
            default -> throw new UsageException(
                    "--status must be PENDING, PAID, SHIPPED or CANCELLED, got '" + status + "'");
        };
    }

    private static Timestamp toTimestamp(String time) {
        try {
            Instant instant = Instant.parse(time);
            return Timestamp.newBuilder().setSeconds(instant.getEpochSecond()).setNanos(instant.getNano()).build();
        } catch (DateTimeParseException e) {
            throw new UsageException("--created-after must be an ISO-8601 time such as 2026-01-31T00:00:00Z, got '"
                    + time + "'");
        }
    }

    private static String describe(Status status) {
        return status.getCode() + ": " + ErrorLine.of(status);
    }
}
