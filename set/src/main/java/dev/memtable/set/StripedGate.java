package dev.memtable.set;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Counts the threads inside a region of code, with a one-way door: once {@link #shut()} no thread
 * enters any more, and a callback runs exactly once when the last thread that did enter has left.
 * {@link MemTableSet} uses one gate per table for its writers (a freeze waits for the writers
 * still in the frozen table) and one for its readers (a released table is closed when its last
 * reader leaves).
 *
 * <h2>Why striped</h2>
 * A single shared counter would make every writer of the set increment the same cache line, which
 * serialises writers on two cores as surely as a lock. Each thread therefore counts on its own
 * stripe (chosen by thread id, 128 bytes apart), so threads on different stripes never share a
 * line. The price is on the rare side: checking for "drained" reads every stripe.
 *
 * <h2>Why it is correct</h2>
 * All counter updates and the {@code shut} flag are volatile accesses, so they fall in one total
 * (synchronization) order. A thread increments its stripe and then reads {@code shut}: either it
 * sees the gate open and is counted, or it backs out. {@link #shut()} writes {@code shut} and only
 * then sums the stripes; every thread that entered successfully incremented before that write, so
 * its increment is seen. A thread increments and decrements the same stripe (the token), so every
 * stripe is at least the number of threads inside on it: a stripe read as zero has nobody left
 * inside who entered before the shut. Whoever (the shutter or a leaving thread, each after seeing
 * {@code shut}) finds all stripes zero runs the callback; a compare-and-set makes that once.
 *
 * <p>Thread-safe. The callback runs in the thread that observes the drain, which may be
 * {@link #shut()}'s caller or any thread calling {@link #exit(int)}; it must not throw.
 */
final class StripedGate {

    /** Longs between two stripes: 128 bytes, two cache lines, against adjacent-line prefetch. */
    private static final int PAD = 16;
    private static final int STRIPES = stripeCount();
    private static final int SHIFT = 64 - Integer.numberOfTrailingZeros(STRIPES);

    private final AtomicLongArray counts = new AtomicLongArray(STRIPES * PAD);
    private final AtomicBoolean fired = new AtomicBoolean();
    private final Runnable onDrained;
    private volatile boolean shut;

    /**
     * @param onDrained runs once, after {@link #shut()}, when no thread is inside any more
     */
    StripedGate(Runnable onDrained) {
        this.onDrained = onDrained;
    }

    /**
     * Enters the gate. Returns a token to pass to {@link #exit(int)}, or {@code -1} if the gate is
     * shut (then the caller is not inside and must not call {@code exit}).
     */
    int tryEnter() {
        int slot = slotOf(Thread.currentThread());
        counts.getAndIncrement(slot);
        if (shut) {
            exit(slot);
            return -1;
        }
        return slot;
    }

    /** Leaves the gate entered with {@code token}; may run the drain callback. */
    void exit(int token) {
        counts.getAndDecrement(token);
        if (shut && isEmpty()) {
            fire();
        }
    }

    /** Shuts the gate for good; runs the drain callback now if nobody is inside. Idempotent. */
    void shut() {
        shut = true;
        if (isEmpty()) {
            fire();
        }
    }

    /** Returns true once {@link #shut()} was called. */
    boolean isShut() {
        return shut;
    }

    private boolean isEmpty() {
        for (int i = PAD / 2; i < STRIPES * PAD; i += PAD) {
            if (counts.get(i) != 0) {
                return false;
            }
        }
        return true;
    }

    private void fire() {
        if (fired.compareAndSet(false, true)) {
            onDrained.run();
        }
    }

    private static int slotOf(Thread thread) {
        // Fibonacci hashing spreads consecutive thread ids over the stripes.
        int stripe = (int) ((thread.getId() * 0x9E3779B97F4A7C15L) >>> SHIFT);
        return stripe * PAD + PAD / 2;
    }

    /**
     * Four stripes per processor, at least 16 (so two threads rarely share one) and at most 64
     * (8 KiB per gate; a drain check reads them all).
     */
    private static int stripeCount() {
        int wanted = Math.max(16, 4 * Runtime.getRuntime().availableProcessors());
        return Math.min(64, Integer.highestOneBit(wanted - 1) << 1);
    }
}
