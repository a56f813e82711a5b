package dev.memtable.set;

import dev.memtable.MemTable;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;

/**
 * The sequence numbers of a {@link MemTableSet}: one counter that stamps every write, and the
 * <em>published</em> sequence, the highest {@code p} such that every write stamped {@code <= p} is
 * finished (applied, or abandoned unapplied). Readers read at the published sequence, so a reader
 * never sees write {@code s + 1} without write {@code s}, nor part of a batch. This is RocksDB's
 * "last published sequence".
 *
 * <h2>How publication advances without a lock</h2>
 * A writer that finishes sequence {@code s} stores {@code s} into slot {@code s mod R} of a ring of
 * {@code R} longs, then tries to advance: while the slot after the published sequence {@code p}
 * holds {@code p + 1}, it moves {@code published} from {@code p} to {@code p + 1} by
 * compare-and-set. Whoever finishes last among a run of sequences publishes the run, and no
 * advance is ever lost: a writer stores its slot and then reads {@code published}; an advancing
 * thread moves {@code published} and then reads the next slot. These are volatile accesses, so in
 * their single total order one of the two sees the other's write. A slot is reused by
 * {@code s + R} only once {@code s} is published (a writer more than {@code R} ahead of the
 * published sequence waits first), so a slot never holds an unpublished sequence that a later one
 * would overwrite.
 *
 * <h2>Memory ordering: why a reader at the published sequence sees every write at or below it</h2>
 * A writer applies its write to a table, then stores its slot (volatile). The thread that
 * publishes it read that slot (volatile) before its compare-and-set of {@code published}; a reader
 * reads {@code published} (volatile) before it reads any table. So the write happens-before the
 * slot store, which synchronizes-with the publisher's read, which happens-before its
 * compare-and-set, which synchronizes-with the reader's read of {@code published}: every version
 * at or below the sequence the reader read is visible to it.
 *
 * <p>Thread-safe. Not final only so that tests can pause {@link #next()} at a chosen moment.
 */
class Sequencer {

    /** Sequences that may be finished ahead of the published one; a power of two. */
    private static final int RING = 1 << 12;

    private final AtomicLong taken = new AtomicLong();
    private final AtomicLong published = new AtomicLong();
    private final AtomicLongArray done = new AtomicLongArray(RING);

    /** Starts after {@code last}: the next write takes {@code last + 1}. */
    Sequencer(long last) {
        if (last < 0 || last > MemTable.MAX_SEQUENCE) {
            throw new IllegalArgumentException("last sequence " + last + " is out of range");
        }
        taken.set(last);
        published.set(last);
    }

    /**
     * Takes the next sequence. Every sequence taken must be {@linkplain #finish finished}, applied
     * or not, or publication stops at it.
     *
     * @throws IllegalStateException if every sequence up to {@link MemTable#MAX_SEQUENCE} is used
     */
    long next() {
        long s = taken.incrementAndGet();
        if (s > MemTable.MAX_SEQUENCE) {
            taken.set(MemTable.MAX_SEQUENCE + 1);
            throw new IllegalStateException("the memtable set has used every sequence up to"
                    + " MAX_SEQUENCE (" + MemTable.MAX_SEQUENCE + ")");
        }
        return s;
    }

    /** Returns the highest sequence taken so far (published or not). */
    long taken() {
        return Math.min(taken.get(), MemTable.MAX_SEQUENCE);
    }

    /** Returns the published sequence: every write at or below it is finished. */
    long published() {
        return published.get();
    }

    /**
     * Marks {@code s} finished (its write applied, or abandoned) and publishes as far as the
     * finished sequences reach. Does not wait for lower sequences, except when {@code s} is more
     * than the ring ahead of the published sequence.
     */
    void finish(long s) {
        long waits = 0;
        while (s - published.get() > RING) {
            waits = backOff(waits); // the slot is still needed by an unpublished sequence
        }
        done.set(slot(s), s);
        advance();
    }

    /** Waits until {@code s} is published (every write at or below it is finished). */
    void awaitPublished(long s) {
        long waits = 0;
        while (published.get() < s) {
            waits = backOff(waits);
        }
    }

    private void advance() {
        while (true) {
            long p = published.get();
            long n = p + 1;
            if (done.get(slot(n)) != n) {
                return; // n is not finished yet: its writer publishes when it finishes
            }
            published.compareAndSet(p, n); // if it fails, someone else advanced: look again
        }
    }

    private static int slot(long s) {
        return (int) (s & (RING - 1));
    }

    /**
     * Spins briefly, then yields, then parks for a few microseconds: the wait is for writes in
     * flight, normally much shorter than a park, but a writer may be descheduled or in an fsync.
     */
    private static long backOff(long waits) {
        if (waits < 64) {
            Thread.onSpinWait();
        } else if (waits < 128) {
            Thread.yield();
        } else {
            LockSupport.parkNanos(20_000);
        }
        return waits + 1;
    }
}
