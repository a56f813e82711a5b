package dev.memtable.store;

import dev.memtable.Bound;
import dev.memtable.Bytes;
import dev.memtable.MemTableIterator;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * STUB (the run-format work replaces this): an open, immutable sorted-run file; reads go through
 * the store's {@link BlockCache}. Thread-safe.
 */
final class Run implements Closeable {

    private Run() {
    }

    /** Opens run {@code id}: reads and checks its footer, index and filter. */
    static Run open(long id, Path file, BlockCache cache) throws IOException {
        throw new UnsupportedOperationException("stub");
    }

    /** What the run holds. */
    RunMeta meta() {
        throw new UnsupportedOperationException("stub");
    }

    /** The run's file. */
    Path file() {
        throw new UnsupportedOperationException("stub");
    }

    /**
     * The newest version of {@code key} at or below {@code sequence}: empty if the run has none,
     * an empty {@code Bytes} for a tombstone, else the value (MemTable.get's three answers).
     */
    Optional<Bytes> get(Bytes key, long sequence) {
        throw new UnsupportedOperationException("stub");
    }

    /** The newest version at or below {@code sequence} of each key in range, tombstones too. */
    MemTableIterator scan(Bound lower, Bound upper, long sequence) {
        throw new UnsupportedOperationException("stub");
    }

    /** Every version: keys ascending, sequences descending. */
    MemTableIterator versions() {
        throw new UnsupportedOperationException("stub");
    }

    /** Closes the file and drops its blocks from the cache. Idempotent. */
    @Override
    public void close() throws IOException {
        throw new UnsupportedOperationException("stub");
    }
}
