package dev.memtable.tck;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Sequences for concurrent writers, published in order, as a memtable set publishes them: a
 * writer {@linkplain #take() takes} the next sequence, writes at it, and reports it
 * {@linkplain #done(long) done}; the {@linkplain #published() published} sequence only moves up
 * to {@code s} once every sequence up to {@code s} is done. A reader at the published sequence
 * therefore reads a state in which every write at or below it is complete, and none above it can
 * be seen, whatever order the writes landed in.
 *
 * <p>Done flags are kept in a ring advanced with compare-and-set; {@link #take()} waits while
 * the ring is full (a writer far ahead of the oldest write in flight). Thread-safe.
 */
final class OrderedPublication {

    private static final int RING = 1024;

    private final AtomicLong next;
    private final AtomicLong published;
    private final AtomicLongArray done = new AtomicLongArray(RING);

    /**
     * @param published the sequence already published: every sequence up to it is written, and
     *     the first {@link #take()} returns the one above it
     */
    OrderedPublication(long published) {
        this.next = new AtomicLong(published + 1);
        this.published = new AtomicLong(published);
    }

    /** Takes the next sequence to write at (waiting while {@value #RING} are in flight). */
    long take() {
        while (next.get() - published.get() >= RING - 1) {
            Thread.onSpinWait();
        }
        return next.getAndIncrement();
    }

    /** Reports the write at {@code sequence} complete, and publishes what that allows. */
    void done(long sequence) {
        done.set((int) (sequence % RING), sequence);
        while (true) {
            long p = published.get();
            long following = p + 1;
            if (done.get((int) (following % RING)) != following
                    || !published.compareAndSet(p, following)) {
                if (published.get() == p) {
                    return; // the following write is not done yet; its writer publishes on
                }
            }
        }
    }

    /** Returns the highest published sequence: every write at or below it is complete. */
    long published() {
        return published.get();
    }

    /** Returns the highest sequence taken so far. */
    long taken() {
        return next.get() - 1;
    }
}
