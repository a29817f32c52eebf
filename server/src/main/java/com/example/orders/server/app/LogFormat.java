package com.example.orders.server.app;

import java.util.Locale;
import java.util.logging.Formatter;

/**
 * How log lines look: {@code text} (LogLineFormatter, the default) or {@code json} (JsonLogFormatter,
 * one object a line), chosen by the environment variable LOG_FORMAT or the system property
 * log.format. Read by the log handler as logging starts, before the service's configuration.
 */
enum LogFormat {
    TEXT,
    JSON;

    static LogFormat fromEnvironment() {
        String chosen = System.getProperty("log.format", System.getenv().getOrDefault("LOG_FORMAT", "text"));
        try {
            return valueOf(chosen.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("LOG_FORMAT (log.format) must be text or json, not \"" + chosen + "\"");
        }
    }

    Formatter formatter() {
        return this == JSON ? new JsonLogFormatter() : new LogLineFormatter();
    }
}
