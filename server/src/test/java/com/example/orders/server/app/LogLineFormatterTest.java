package com.example.orders.server.app;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.logging.Level;
import java.util.logging.LogRecord;

import org.junit.jupiter.api.Test;

class LogLineFormatterTest {

    private final LogLineFormatter formatter = new LogLineFormatter();

    @Test
    void writesTimeLevelLoggerAndMessageOnOneLine() {
        LogRecord record = new LogRecord(Level.INFO, "GetOrder OK 0.4 ms, 1 statement");
        record.setLoggerName("orders.access");

        String line = formatter.format(record);

        assertTrue(line.matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3} INFO    \\[orders.access] "
                                + "GetOrder OK 0.4 ms, 1 statement" + System.lineSeparator()), line);
    }

    @Test
    void fillsInParametersAndAppendsTheStackTrace() {
        LogRecord record = new LogRecord(Level.WARNING, "Transaction aborted ({0}) in attempt {1}");
        record.setLoggerName("com.example.orders.server.db.Transactions");
        record.setParameters(new Object[] {"40001", 2});
        record.setThrown(new IllegalStateException("boom"));

        String line = formatter.format(record);

        assertTrue(line.contains(" WARNING [com.example.orders.server.db.Transactions] "
                                 + "Transaction aborted (40001) in attempt 2" + System.lineSeparator()
                                 + "java.lang.IllegalStateException: boom"), line);
        assertTrue(line.contains("\tat com.example.orders.server.app.LogLineFormatterTest."), line);
    }
}
