package com.example.orders.server.db;

import java.time.Duration;

/**
 * How far a standby is behind the primary, in bytes of WAL and in time. The time is how long ago the
 * primary first had WAL that the standby has not replayed yet: 0 when it has replayed everything, however
 * long the primary has been idle (which {@code now() - pg_last_xact_replay_timestamp()} on the standby
 * gets wrong). It comes from a history of the primary's positions and when they were seen, kept for
 * the last {@link #CAPACITY} advances; a standby behind all of it is at least that old.
 */
public final class ReplicaLag {

    /** Advances of the primary remembered: at one every 50 ms, 13 minutes of history. */
    static final int CAPACITY = 16_384;

    /** A ring of (nanoTime, position) in increasing position order: oldest at {@link #first}. */
    private final long[] times = new long[CAPACITY];
    private final long[] positions = new long[CAPACITY];
    private int first;
    private int size;

    /** The primary was at {@code position} at {@code nanoTime}. */
    synchronized void primaryAt(long nanoTime, long position) {
        if (size > 0) {
            long last = positions[index(size - 1)];
            if (position == last) {
                return;
            }
            if (position < last) {
                // A new primary behind the old one (an asynchronous standby promoted): the positions
                // seen so far are no longer the primary's history.
                size = 0;
            }
        }
        if (size == CAPACITY) {
            first = index(1);
            size--;
        }
        times[index(size)] = nanoTime;
        positions[index(size)] = position;
        size++;
    }

    /** The newest position seen of the primary, 0 if none. */
    synchronized long primaryPosition() {
        return size == 0 ? 0 : positions[index(size - 1)];
    }

    /** How far behind a standby that has replayed up to {@code replayed} is at {@code nanoTime}. */
    synchronized Behind behind(long nanoTime, long replayed) {
        if (size == 0 || replayed >= positions[index(size - 1)]) {
            return new Behind(0, Duration.ZERO);
        }
        long bytes = positions[index(size - 1)] - replayed;
        // The first position past the standby's: binary search of the ring, positions increase.
        int low = 0;
        int high = size - 1;
        while (low < high) {
            int middle = (low + high) >>> 1;
            if (positions[index(middle)] > replayed) {
                high = middle;
            } else {
                low = middle + 1;
            }
        }
        return new Behind(bytes, Duration.ofNanos(Math.max(0, nanoTime - times[index(low)])));
    }

    private int index(int offset) {
        return (first + offset) % CAPACITY;
    }

    /** WAL not yet replayed, and since when the primary has had it. */
    public record Behind(long bytes, Duration time) {
    }
}
