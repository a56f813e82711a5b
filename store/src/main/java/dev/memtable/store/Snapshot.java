package dev.memtable.store;

import dev.memtable.Bound;
import dev.memtable.Bytes;
import dev.memtable.MemTableIterator;
import java.util.Optional;

/**
 * STUB: a consistent read-only view of a {@link Store} at one sequence.
 */
public final class Snapshot implements AutoCloseable {

    private Snapshot() {
    }

    /** The sequence this snapshot reads at. */
    public long sequence() {
        throw new UnsupportedOperationException("stub");
    }

    /** The value of {@code key} at {@link #sequence()}, or empty if absent or deleted then. */
    public Optional<Bytes> get(Bytes key) {
        throw new UnsupportedOperationException("stub");
    }

    /** The live entries between the bounds at {@link #sequence()}. Close the iterator. */
    public MemTableIterator scan(Bound lower, Bound upper) {
        throw new UnsupportedOperationException("stub");
    }

    /** Closes the snapshot. Idempotent. */
    @Override
    public void close() {
        throw new UnsupportedOperationException("stub");
    }

    /** True once closed. */
    public boolean isClosed() {
        throw new UnsupportedOperationException("stub");
    }
}
