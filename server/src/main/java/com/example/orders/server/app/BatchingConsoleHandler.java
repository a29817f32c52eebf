package com.example.orders.server.app;

import java.io.PrintStream;
import java.nio.charset.Charset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.logging.ErrorManager;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * The console handler of the service (standard error, as JUL's ConsoleHandler), taken off the threads
 * that log: a record is queued, and one thread formats and writes what has queued up, in one write
 * per batch, every 10 ms at most. With an access-log line per call, writing each on the call's thread cost 4.4 % of a
 * GetOrder's CPU (docs/benchmarks.md). The queue is bounded so that a stuck output (a full pipe
 * nobody reads) never blocks a call: a record that finds it full is dropped and counted, and once
 * the queue has drained, a line says how many were. {@link #flush()} and {@link #close()} wait for
 * what is queued, 5 s at most; LogManager closes its handlers at exit.
 *
 * <p>logging.properties: {@code com.example.orders.server.app.BatchingConsoleHandler.level}
 * (default ALL), {@code .capacity} (records queued at most, default 8192), {@code .formatter}
 * (default {@link LogFormat#formatter()}: LogLineFormatter, or JsonLogFormatter with LOG_FORMAT=json).
 */
public final class BatchingConsoleHandler extends Handler {

    /** How long flush and close wait for the writer, by default, before giving up on a stuck output. */
    private static final long MAX_WAIT = TimeUnit.SECONDS.toNanos(5);
    private static final int DEFAULT_CAPACITY = 8192;
    /** Records formatted into one write at most: bounds the batch's text. */
    private static final int MAX_BATCH = 512;
    /**
     * How long the writer sleeps when it finds nothing queued. It is not woken by each record, which
     * would cost the logging thread a wake-up of another thread (a system call) per line; a line
     * waits that long at most, and lines come out in batches of what queued meanwhile.
     */
    private static final long IDLE_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    private final Sink sink;
    private final long maxWaitNanos;
    private final int capacity;
    private final BlockingQueue<LogRecord> queue;
    private final AtomicLong dropped = new AtomicLong();
    /** Records accepted into the queue, and of those, records written (or failed to be): flush waits for the first. */
    private final AtomicLong accepted = new AtomicLong();
    private long written;
    private final Object progress = new Object();
    private final Thread writer;
    private volatile boolean closed;

    /** Where the batches go. */
    interface Sink {
        void write(String text);
    }

    /** As JUL makes it from logging.properties. */
    public BatchingConsoleHandler() {
        this(standardError(), intProperty("capacity", DEFAULT_CAPACITY), MAX_WAIT);
        LogManager manager = LogManager.getLogManager();
        String level = manager.getProperty(BatchingConsoleHandler.class.getName() + ".level");
        setLevel(level == null ? Level.ALL : Level.parse(level.trim()));
        String formatter = manager.getProperty(BatchingConsoleHandler.class.getName() + ".formatter");
        if (formatter != null) {
            setFormatter(instance(formatter));
            return;
        }
        try {
            setFormatter(LogFormat.fromEnvironment().formatter());
        } catch (IllegalArgumentException e) {
            // Not a handler that fails: JUL would then run the service without a log.
            LogRecord misconfigured = new LogRecord(Level.WARNING, e.getMessage() + "; writing text");
            misconfigured.setLoggerName(BatchingConsoleHandler.class.getName());
            publish(misconfigured);
        }
    }

    BatchingConsoleHandler(Sink sink, int capacity) {
        this(sink, capacity, MAX_WAIT);
    }

    /** {@code maxWaitNanos}: how long flush and close wait for a stuck output. */
    BatchingConsoleHandler(Sink sink, int capacity, long maxWaitNanos) {
        this.sink = sink;
        this.maxWaitNanos = maxWaitNanos;
        this.capacity = capacity;
        this.queue = new ArrayBlockingQueue<>(capacity);
        setFormatter(new LogLineFormatter());
        writer = Thread.ofPlatform().name("log-writer").daemon().unstarted(this::writeUntilClosed);
        writer.start();
    }

    @Override
    public void publish(LogRecord record) {
        if (closed || !isLoggable(record)) {
            return;
        }
        if (queue.offer(record)) {
            accepted.incrementAndGet();
        } else {
            dropped.incrementAndGet();
        }
    }

    /** Flushes the root logger's handlers, this one among them: what is logged so far is written. */
    static void flushAll() {
        for (Handler handler : Logger.getLogger("").getHandlers()) {
            handler.flush();
        }
    }

    /** Waits until what was queued before is written, or the wait's bound has passed. */
    @Override
    public void flush() {
        long target = accepted.get();
        LockSupport.unpark(writer);
        awaitWritten(target);
    }

    /** Writes what is queued (waiting within the bound), then stops the writer. */
    @Override
    public void close() {
        closed = true;
        flush();
    }

    private void awaitWritten(long target) {
        long deadline = System.nanoTime() + maxWaitNanos;
        synchronized (progress) {
            while (written < target) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(progress, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private void writeUntilClosed() {
        List<LogRecord> batch = new ArrayList<>(MAX_BATCH);
        while (true) {
            if (queue.drainTo(batch, MAX_BATCH) == 0) {
                if (closed) {
                    return;
                }
                LockSupport.parkNanos(IDLE_NANOS); // or until flush or close unparks it
                continue;
            }
            StringBuilder text = new StringBuilder(batch.size() * 160);
            for (LogRecord record : batch) {
                text.append(format(record));
            }
            long droppedNow = dropped.getAndSet(0);
            if (droppedNow > 0) {
                LogRecord notice = new LogRecord(Level.WARNING, droppedNow + " log records dropped: the log's output "
                        + "could not keep up with " + capacity + " records queued");
                notice.setLoggerName(BatchingConsoleHandler.class.getName());
                text.append(format(notice));
            }
            try {
                sink.write(text.toString());
            } catch (RuntimeException e) {
                reportError("Cannot write the log", e, ErrorManager.WRITE_FAILURE);
            }
            synchronized (progress) {
                written += batch.size();
                progress.notifyAll();
            }
            batch.clear();
        }
    }

    private String format(LogRecord record) {
        try {
            return getFormatter().format(record);
        } catch (RuntimeException e) {
            reportError("Cannot format a log record", e, ErrorManager.FORMAT_FAILURE);
            return "";
        }
    }

    private static Sink standardError() {
        PrintStream err = System.err;
        Charset charset = err.charset();
        return text -> {
            byte[] bytes = text.getBytes(charset);
            err.write(bytes, 0, bytes.length);
            err.flush();
        };
    }

    private static int intProperty(String name, int fallback) {
        String value = LogManager.getLogManager().getProperty(BatchingConsoleHandler.class.getName() + "." + name);
        return value == null ? fallback : Integer.parseInt(value.trim());
    }

    private static Formatter instance(String className) {
        try {
            return (Formatter) Class.forName(className.trim()).getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IllegalArgumentException("Cannot make the log formatter " + className, e);
        }
    }
}
