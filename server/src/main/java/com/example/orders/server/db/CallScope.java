package com.example.orders.server.db;

import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the data layer knows of the call it works for, set by the layer above on the thread that runs
 * the call's work ({@link #runAttached}): when it must stop, how fresh its reads must be, and, once it
 * has written, from which WAL position its write is visible; and whom to tell of its statements.
 * Work outside a call (health checks, the event sequencer) runs under {@link #NONE}.
 */
public final class CallScope {

    /** No call: never cancelled, no deadline, no demand on freshness, statements not counted. */
    public static final CallScope NONE = new CallScope(Cancellation.NEVER, 0, null);

    private static final ThreadLocal<CallScope> CURRENT = new ThreadLocal<>();

    private final Cancellation cancellation;
    private final long readsAtLeast;
    /** Null for {@link #NONE}. */
    private final Statements statements;
    private final AtomicLong written = new AtomicLong();

    private CallScope(Cancellation cancellation, long readsAtLeast, Statements statements) {
        this.cancellation = cancellation;
        this.readsAtLeast = readsAtLeast;
        this.statements = statements;
    }

    /**
     * {@code readsAtLeast}: the WAL position the caller's reads must see (0 for none), e.g. that of a
     * write it made through another instance; {@code statements}: told of each statement the call runs.
     */
    public static CallScope of(Cancellation cancellation, long readsAtLeast, Statements statements) {
        return new CallScope(cancellation, readsAtLeast, statements);
    }

    /** The scope of the call this thread works for, or {@link #NONE}. */
    public static CallScope current() {
        CallScope scope = CURRENT.get();
        return scope == null ? NONE : scope;
    }

    /** Runs {@code work} with this scope as the thread's current one. */
    public void runAttached(Runnable work) {
        CallScope outer = CURRENT.get();
        CURRENT.set(this);
        try {
            work.run();
        } finally {
            if (outer == null) {
                CURRENT.remove();
            } else {
                CURRENT.set(outer);
            }
        }
    }

    public Cancellation cancellation() {
        return cancellation;
    }

    public boolean isCancelled() {
        return cancellation.isCancelled();
    }

    public long readsAtLeast() {
        return readsAtLeast;
    }

    /** The WAL position from which the call's last write is visible; 0 if it wrote nothing (or none is tracked). */
    public long written() {
        return written.get();
    }

    void wrote(long position) {
        written.accumulateAndGet(position, Math::max);
    }

    void countStatement() {
        if (statements != null) {
            statements.counted();
        }
    }

    /** Tells the call of a named statement starting (which counts it); the returned end hears when it is done. */
    StatementEnd statementStarted(String name) {
        return statements == null ? StatementEnd.NONE : statements.started(name);
    }

    boolean isCall() {
        return statements != null;
    }

    /**
     * Whom the data layer tells of the statements a call runs: the layer above counts them (its access
     * log) and may trace them, each in a span under the call's.
     */
    public interface Statements {

        /** A statement of the data layer's own (not one of {@link Sql}) ran for the call. */
        void counted();

        /** A statement of {@link Sql}, by its name, starts for the call: it counts too. */
        StatementEnd started(String name);
    }

    /** Told once, when a statement is done: {@code failure} is null if it succeeded. */
    public interface StatementEnd {

        StatementEnd NONE = failure -> { };

        void ended(Throwable failure);
    }

    /** When a call's work must stop: its client cancelled it, or its deadline passed. */
    public interface Cancellation {

        Cancellation NEVER = new Cancellation() {
            @Override
            public boolean isCancelled() {
                return false;
            }

            @Override
            public long nanosLeft() {
                return Long.MAX_VALUE;
            }

            @Override
            public Runnable onCancel(Runnable action, Executor executor) {
                return () -> { };
            }
        };

        boolean isCancelled();

        /** Nanoseconds until the deadline; Long.MAX_VALUE without one. */
        long nanosLeft();

        /**
         * Runs {@code action} on {@code executor} once the call is cancelled (at once if it is
         * already); the returned action takes it back.
         */
        Runnable onCancel(Runnable action, Executor executor);
    }
}
