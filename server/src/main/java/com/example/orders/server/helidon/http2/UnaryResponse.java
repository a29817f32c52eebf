package com.example.orders.server.helidon.http2;

/**
 * One unary call's response, between its call and the connection's writer: which socket writes are
 * its frames, and which connection holds them. Helidon writes a call's frames to the socket on the
 * thread in the call's {@code sendHeaders}, {@code sendMessage} or {@code close}, and hands the socket
 * writer nothing but bytes, so the thread is the only link: {@link #write} marks it with the response
 * while one of those runs, and the writer records itself in the response when it holds a frame.
 *
 * <p>Not the same mark as {@link InterruptibleWrites}', though both say which call a thread writes for:
 * they mark different writes (a unary call's headers, message and trailers; every call's messages) for
 * fixes of two defects, and each goes when Helidon fixes its own.
 */
final class UnaryResponse {

    private static final System.Logger LOGGER = System.getLogger(UnaryResponse.class.getName());
    private static final ThreadLocal<Write> WRITING = new ThreadLocal<>();

    /** The connection holding frames of this response, if any. */
    private volatile HeldFrames holding;

    /** Runs one of the call's sendHeaders, sendMessage or close: the connection may hold what it writes. */
    void write(Runnable write) {
        Write outer = WRITING.get();
        WRITING.set(new Write(this));
        try {
            write.run();
        } catch (RuntimeException | Error e) {
            sendHeld();
            throw e;
        } finally {
            if (outer == null) {
                WRITING.remove();
            } else {
                WRITING.set(outer);
            }
        }
    }

    /**
     * Sends what the connection holds of this response, if anything. A socket that fails here has lost
     * the connection, which Helidon's reader ends; the call's own code is not the place to hear of it.
     */
    void sendHeld() {
        HeldFrames connection = holding;
        if (connection == null) {
            return;
        }
        holding = null;
        try {
            connection.sendHeld();
        } catch (RuntimeException e) {
            LOGGER.log(System.Logger.Level.DEBUG, "Held frames not sent, the connection failed", e);
        }
    }

    /** The write of a unary response under way on this thread, if any. */
    static Write current() {
        return WRITING.get();
    }

    /** One of a unary call's sendHeaders, sendMessage or close, under way. */
    static final class Write {

        private final UnaryResponse response;
        /** A DATA frame has been written: the next one does not start with a message's prefix. */
        private boolean dataWritten;

        private Write(UnaryResponse response) {
            this.response = response;
        }

        /** True for the first DATA frame of the write; notes that one has been written. */
        boolean firstData() {
            boolean first = !dataWritten;
            dataWritten = true;
            return first;
        }

        /** The connection holds a frame of this write. */
        void heldBy(HeldFrames connection) {
            response.holding = connection;
        }
    }
}
