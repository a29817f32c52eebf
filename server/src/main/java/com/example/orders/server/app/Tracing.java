package com.example.orders.server.app;

import java.lang.System.Logger.Level;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.example.orders.server.grpc.CallTracing;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigurationException;
import io.opentelemetry.sdk.resources.Resource;

/**
 * The OpenTelemetry SDK that exports the calls' traces, set up as any OpenTelemetry SDK is, by the
 * standard OTEL_* environment variables (or the otel.* system properties): OTEL_EXPORTER_OTLP_ENDPOINT
 * (or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT), OTEL_SERVICE_NAME (default order-service),
 * OTEL_RESOURCE_ATTRIBUTES, OTEL_TRACES_SAMPLER, OTEL_PROPAGATORS, OTEL_BSP_*, OTEL_EXPORTER_OTLP_HEADERS...
 * Off unless an OTLP endpoint is set (or with OTEL_SDK_DISABLED=true): then there is no SDK at all.
 * Spans go over OTLP/HTTP with protobuf, the only protocol this build carries (not gRPC, whose
 * exporter would bring a second gRPC and Netty); metrics and logs are not exported this way
 * (/observe/metrics and the log have them). Closing exports the spans still pending.
 */
final class Tracing implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(Tracing.class.getName());
    private static final AttributeKey<String> SERVICE_NAME = AttributeKey.stringKey("service.name");

    /** Null when off. */
    private final OpenTelemetrySdk sdk;

    private Tracing(OpenTelemetrySdk sdk) {
        this.sdk = sdk;
    }

    static Tracing fromEnvironment() {
        String endpoint = setting("otel.exporter.otlp.traces.endpoint", setting("otel.exporter.otlp.endpoint", ""));
        if (endpoint.isBlank() || Boolean.parseBoolean(setting("otel.sdk.disabled", "false"))) {
            return new Tracing(null);
        }
        OpenTelemetrySdk sdk;
        try {
            sdk = AutoConfiguredOpenTelemetrySdk.builder()
                    // Defaults: the environment and system properties override them.
                    .addPropertiesSupplier(() -> Map.of(
                            "otel.exporter.otlp.protocol", "http/protobuf",
                            "otel.metrics.exporter", "none",
                            "otel.logs.exporter", "none"))
                    .addResourceCustomizer((resource, config) -> named(resource))
                    .disableShutdownHook() // closed with the server, after its last call
                    .build()
                    .getOpenTelemetrySdk();
        } catch (ConfigurationException e) {
            // Its own message can be as vague as "Unexpected configuration error": the cause says what.
            String cause = e.getCause() == null ? "" : ": " + e.getCause().getMessage();
            throw new StartFailure("Cannot set up tracing (OTEL_* environment variables): " + e.getMessage() + cause
                                   + " (this build exports over OTLP/HTTP: OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf)");
        }
        LOG.log(Level.INFO, "Traces go to {0} over OTLP/HTTP", endpoint);
        return new Tracing(sdk);
    }

    /** What the calls are traced with: {@link CallTracing#OFF} when off. */
    CallTracing calls() {
        return sdk == null ? CallTracing.OFF : CallTracing.with(sdk);
    }

    @Override
    public void close() {
        if (sdk != null) {
            sdk.shutdown().join(10, TimeUnit.SECONDS);
        }
    }

    /** OpenTelemetry's own default name, unknown_service:java, says nothing: order-service then. */
    private static Resource named(Resource resource) {
        String name = resource.getAttribute(SERVICE_NAME);
        return name == null || name.startsWith("unknown_service")
                ? resource.merge(Resource.create(Attributes.of(SERVICE_NAME, "order-service")))
                : resource;
    }

    /** As the SDK reads its settings: the system property, else the environment variable of that name. */
    private static String setting(String property, String fallback) {
        String value = System.getProperty(property);
        if (value == null) {
            value = System.getenv(property.toUpperCase(Locale.ROOT).replace('.', '_'));
        }
        return value == null ? fallback : value;
    }
}
