package com.example.orders.server;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/**
 * Every record logged in this JVM from its opening to its closing, at the levels the logging
 * configuration lets through (WARNING and up in tests), and at INFO for the loggers named.
 */
public final class LogRecords extends Handler implements AutoCloseable {

    private static final SimpleFormatter FORMATTER = new SimpleFormatter();

    private final Logger root = Logger.getLogger("");
    private final List<Logger> opened;
    private final List<Level> openedLevels;
    private final List<LogRecord> records = new CopyOnWriteArrayList<>();

    public LogRecords(String... infoLoggers) {
        opened = Arrays.stream(infoLoggers).map(Logger::getLogger).toList();
        openedLevels = opened.stream().map(Logger::getLevel).toList();
        opened.forEach(logger -> logger.setLevel(Level.INFO));
        root.addHandler(this);
    }

    @Override
    public void publish(LogRecord record) {
        if (isLoggable(record)) {
            records.add(record);
        }
    }

    public List<LogRecord> all() {
        return List.copyOf(records);
    }

    /** The records of one logger. */
    public List<LogRecord> of(String logger) {
        return records.stream().filter(record -> logger.equals(record.getLoggerName())).toList();
    }

    /** The records with a stack trace. */
    public List<LogRecord> withThrown() {
        return records.stream().filter(record -> record.getThrown() != null).toList();
    }

    /** The formatted messages of one logger's records. */
    public List<String> messages(String logger) {
        return records.stream()
                .filter(record -> logger.equals(record.getLoggerName()))
                .map(record -> FORMATTER.formatMessage(record))
                .toList();
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
        root.removeHandler(this);
        for (int i = 0; i < opened.size(); i++) {
            opened.get(i).setLevel(openedLevels.get(i));
        }
    }
}
