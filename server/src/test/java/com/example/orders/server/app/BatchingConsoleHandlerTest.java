package com.example.orders.server.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

/** The bounded queue between the threads that log and the one that writes. */
class BatchingConsoleHandlerTest {

    /** What the writer has written, and a gate that holds it in its first write until opened. */
    private static final class BlockedSink implements BatchingConsoleHandler.Sink {

        final CountDownLatch writing = new CountDownLatch(1);
        final CountDownLatch open = new CountDownLatch(1);
        final List<String> writes = new CopyOnWriteArrayList<>();

        @Override
        public void write(String text) {
            writing.countDown();
            try {
                open.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            writes.add(text);
        }

        List<String> lines() {
            return writes.stream().flatMap(String::lines).toList();
        }
    }

    @Test
    void aStuckOutputNeverBlocksTheLoggerAndTheDroppedRecordsAreCountedOnceItDrains() throws Exception {
        BlockedSink sink = new BlockedSink();
        BatchingConsoleHandler handler = new BatchingConsoleHandler(sink, 4);
        try {
            handler.publish(record("first"));
            assertTrue(sink.writing.await(10, TimeUnit.SECONDS), "the writer took the first record");

            // The writer is stuck in its write: four records fill the queue, six more find it full.
            long start = System.nanoTime();
            IntStream.rangeClosed(1, 10).forEach(i -> handler.publish(record("queued " + i)));
            assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(1), "publishing never waits");

            sink.open.countDown();
            handler.flush();

            assertEquals(List.of("INFO first",
                                 "INFO queued 1", "INFO queued 2", "INFO queued 3", "INFO queued 4",
                                 "WARNING 6 log records dropped: the log's output could not keep up with "
                                 + "4 records queued"),
                         sink.lines().stream().map(BatchingConsoleHandlerTest::levelAndMessage).toList());

            handler.publish(record("after"));
            handler.flush();
            assertEquals("INFO after", levelAndMessage(sink.lines().getLast()), "the count starts over");
        } finally {
            sink.open.countDown();
            handler.close();
        }
    }

    @Test
    void closeWritesEverythingQueuedInBatches() {
        BlockedSink sink = new BlockedSink();
        sink.open.countDown();
        BatchingConsoleHandler handler = new BatchingConsoleHandler(sink, 1000);

        IntStream.rangeClosed(1, 1000).forEach(i -> handler.publish(record("line " + i)));
        handler.close();

        assertEquals(IntStream.rangeClosed(1, 1000).mapToObj(i -> "INFO line " + i).toList(),
                     sink.lines().stream().map(BatchingConsoleHandlerTest::levelAndMessage).toList());
        assertTrue(sink.writes.size() < 1000, "batched: " + sink.writes.size() + " writes");
        handler.publish(record("after close"));
        assertEquals(1000, sink.lines().size(), "nothing is taken once closed");
    }

    @Test
    void flushGivesUpOnAStuckOutputAfterItsBound() throws Exception {
        BlockedSink sink = new BlockedSink();
        BatchingConsoleHandler handler = new BatchingConsoleHandler(sink, 4, TimeUnit.MILLISECONDS.toNanos(200));
        try {
            handler.publish(record("stuck"));
            assertTrue(sink.writing.await(10, TimeUnit.SECONDS));

            long start = System.nanoTime();
            handler.flush();
            long waited = System.nanoTime() - start;

            assertTrue(waited >= TimeUnit.MILLISECONDS.toNanos(200) && waited < TimeUnit.SECONDS.toNanos(5),
                       waited / 1_000_000 + " ms");
            assertEquals(List.of(), sink.writes);
        } finally {
            sink.open.countDown();
            handler.close();
        }
    }

    private static LogRecord record(String message) {
        LogRecord record = new LogRecord(Level.INFO, message);
        record.setLoggerName("test");
        return record;
    }

    /** "INFO message" of a line LogLineFormatter wrote. */
    private static String levelAndMessage(String line) {
        String[] parts = line.split(" +", 3);
        return parts[1] + " " + parts[2].substring(parts[2].indexOf("] ") + 2);
    }
}
