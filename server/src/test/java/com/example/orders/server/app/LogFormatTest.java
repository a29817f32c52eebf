package com.example.orders.server.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** LOG_FORMAT, through its system property (the variable is the test JVM's own, unset). */
class LogFormatTest {

    @AfterEach
    void unset() {
        System.clearProperty("log.format");
    }

    @Test
    void textUnlessJsonIsAskedFor() {
        assertInstanceOf(LogLineFormatter.class, LogFormat.fromEnvironment().formatter());
        System.setProperty("log.format", "JSON");
        assertInstanceOf(JsonLogFormatter.class, LogFormat.fromEnvironment().formatter());
    }

    @Test
    void anythingElseIsRefusedNamingTheSetting() {
        System.setProperty("log.format", "yaml");
        assertEquals("LOG_FORMAT (log.format) must be text or json, not \"yaml\"",
                     assertThrows(IllegalArgumentException.class, LogFormat::fromEnvironment).getMessage());
    }
}
