package com.example.orders.server;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.GZIPInputStream;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnknownFieldSet;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * An OpenTelemetry collector as far as the service's exporter can tell: OTLP/HTTP on a loopback port,
 * taking {@code POST /v1/traces} with a protobuf ExportTraceServiceRequest and keeping its spans. The
 * request is decoded by its field numbers (opentelemetry/proto/trace/v1/trace.proto), with
 * protobuf's generic reader rather than the generated classes of another dependency.
 */
final class OtlpReceiver implements AutoCloseable {

    /** A span as exported: ids in hex (parentSpanId empty for a root), kind as in the proto (2 SERVER, 3 CLIENT). */
    record ExportedSpan(String traceId, String spanId, String parentSpanId, String name, int kind,
                        Map<String, Object> attributes, Map<String, Object> resource) {
    }

    private final HttpServer server;
    private final List<ExportedSpan> spans = new CopyOnWriteArrayList<>();

    private OtlpReceiver(HttpServer server) {
        this.server = server;
    }

    static OtlpReceiver start() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        OtlpReceiver receiver = new OtlpReceiver(server);
        server.createContext("/v1/traces", receiver::export);
        server.start();
        return receiver;
    }

    /** For OTEL_EXPORTER_OTLP_ENDPOINT: the exporter adds /v1/traces. */
    String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** The spans of a trace, once at least {@code count} of them have come, or those that came within {@code timeout}. */
    List<ExportedSpan> awaitTrace(String traceId, int count, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<ExportedSpan> trace = trace(traceId);
        while (trace.size() < count && System.nanoTime() < deadline) {
            Thread.sleep(20);
            trace = trace(traceId);
        }
        return trace;
    }

    List<ExportedSpan> all() {
        return List.copyOf(spans);
    }

    private List<ExportedSpan> trace(String traceId) {
        return spans.stream().filter(span -> span.traceId().equals(traceId)).toList();
    }

    private void export(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body;
            try (InputStream in = "gzip".equals(exchange.getRequestHeaders().getFirst("Content-Encoding"))
                    ? new GZIPInputStream(exchange.getRequestBody()) : exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            if (!"POST".equals(exchange.getRequestMethod())
                || !"application/x-protobuf".equals(exchange.getRequestHeaders().getFirst("Content-Type"))) {
                exchange.sendResponseHeaders(415, -1);
                return;
            }
            spans.addAll(decode(body));
            exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
            exchange.sendResponseHeaders(200, -1); // an empty ExportTraceServiceResponse: all accepted
        }
    }

    private static List<ExportedSpan> decode(byte[] request) throws InvalidProtocolBufferException {
        List<ExportedSpan> decoded = new ArrayList<>();
        for (ByteString resourceSpans : fields(UnknownFieldSet.parseFrom(request), 1)) {
            UnknownFieldSet resourceSpan = UnknownFieldSet.parseFrom(resourceSpans);
            Map<String, Object> resource = new LinkedHashMap<>();
            for (ByteString resourceBytes : fields(resourceSpan, 1)) {
                resource = attributes(UnknownFieldSet.parseFrom(resourceBytes), 1);
            }
            for (ByteString scopeSpans : fields(resourceSpan, 2)) {
                for (ByteString spanBytes : fields(UnknownFieldSet.parseFrom(scopeSpans), 2)) {
                    UnknownFieldSet span = UnknownFieldSet.parseFrom(spanBytes);
                    decoded.add(new ExportedSpan(hex(span, 1), hex(span, 2), hex(span, 4),
                                                 fields(span, 5).getFirst().toStringUtf8(),
                                                 span.getField(6).getVarintList().getFirst().intValue(),
                                                 attributes(span, 9), resource));
                }
            }
        }
        return decoded;
    }

    /** KeyValue (1 key, 2 AnyValue: 1 string, 2 bool, 3 int, 4 double), as String, Boolean, Long or Double. */
    private static Map<String, Object> attributes(UnknownFieldSet message, int field) throws InvalidProtocolBufferException {
        Map<String, Object> attributes = new LinkedHashMap<>();
        for (ByteString keyValueBytes : fields(message, field)) {
            UnknownFieldSet keyValue = UnknownFieldSet.parseFrom(keyValueBytes);
            UnknownFieldSet value = UnknownFieldSet.parseFrom(fields(keyValue, 2).getFirst());
            Object decoded;
            if (value.hasField(1)) {
                decoded = value.getField(1).getLengthDelimitedList().getFirst().toStringUtf8();
            } else if (value.hasField(2)) {
                decoded = value.getField(2).getVarintList().getFirst() != 0;
            } else if (value.hasField(3)) {
                decoded = value.getField(3).getVarintList().getFirst();
            } else if (value.hasField(4)) {
                decoded = Double.longBitsToDouble(value.getField(4).getFixed64List().getFirst());
            } else {
                decoded = value.toString();
            }
            attributes.put(fields(keyValue, 1).getFirst().toStringUtf8(), decoded);
        }
        return attributes;
    }

    private static List<ByteString> fields(UnknownFieldSet message, int field) {
        return message.hasField(field) ? message.getField(field).getLengthDelimitedList() : List.of();
    }

    private static String hex(UnknownFieldSet message, int field) {
        List<ByteString> bytes = fields(message, field);
        return bytes.isEmpty() ? "" : HexFormat.of().formatHex(bytes.getFirst().toByteArray());
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
