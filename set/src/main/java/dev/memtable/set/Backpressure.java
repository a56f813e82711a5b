package dev.memtable.set;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;

/**
 * The back-pressure of a {@link TableRotation}: a freeze needs room for one more immutable table
 * ({@code maxImmutables}); without it the freezing thread waits on the freeze lock's condition,
 * woken by every release and by close, for at most the stall timeout, then gives up with a
 * {@link WriteStallException} that says what to do. Every method is called with the freeze lock
 * held.
 */
final class Backpressure {

    private final int maxImmutables;
    private final Duration stallTimeout;
    private final Condition roomOrClosed;

    /**
     * @param roomOrClosed a condition of the freeze lock, signalled by {@link #wakeAll()}
     */
    Backpressure(int maxImmutables, Duration stallTimeout, Condition roomOrClosed) {
        this.maxImmutables = maxImmutables;
        this.stallTimeout = stallTimeout;
        this.roomOrClosed = roomOrClosed;
    }

    /** Returns true if {@code tables} leaves room for one more immutable table. */
    boolean hasRoom(Tables tables) {
        return tables.immutables.size() < maxImmutables;
    }

    /**
     * Waits for a release or close, for what is left of the stall timeout since {@code start}
     * ({@link System#nanoTime()}); the caller then checks again.
     *
     * @throws WriteStallException at the timeout, or if interrupted (the interrupt status is kept)
     */
    void await(long start, Tables tables) {
        long remaining = stallTimeout.toNanos() - (System.nanoTime() - start);
        if (remaining <= 0) {
            throw stalled(start, tables, null);
        }
        try {
            roomOrClosed.awaitNanos(remaining);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw stalled(start, tables, e);
        }
    }

    /** Wakes every waiting thread: a table was released, or the set closed. */
    void wakeAll() {
        roomOrClosed.signalAll();
    }

    private WriteStallException stalled(long start, Tables tables, InterruptedException interrupt) {
        Duration waited = Duration.ofNanos(System.nanoTime() - start);
        String why = interrupt != null
                ? "was interrupted after waiting " + millis(waited)
                : "waited " + millis(waited) + " (stallTimeout " + millis(stallTimeout) + ")";
        return new WriteStallException("Write stalled: the memtable set holds "
                + tables.immutables.size() + " immutable tables (maxImmutables = " + maxImmutables
                + ") and needs a freeze; it " + why + " for a table to be released with"
                + " flushed(oldestImmutable()). The write was not applied; the set is unchanged.",
                maxImmutables, waited, interrupt);
    }

    private static String millis(Duration d) {
        return TimeUnit.NANOSECONDS.toMillis(d.toNanos()) + " ms";
    }
}
