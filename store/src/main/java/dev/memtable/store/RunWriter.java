package dev.memtable.store;

import dev.memtable.Bytes;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;

/**
 * STUB (the run-format work replaces this): writes one sorted-run file (store/FORMAT.md).
 * Entries are added in strictly ascending (key ascending, sequence descending) order.
 */
final class RunWriter implements Closeable {

    private RunWriter() {
    }

    /** Creates {@code file} (it must not exist) for run {@code id}. */
    static RunWriter create(Path file, long id, int blockSize, int bloomBitsPerKey)
            throws IOException {
        throw new UnsupportedOperationException("stub");
    }

    /** Adds one version; an empty value is a tombstone. */
    void add(Bytes key, long sequence, Bytes value) throws IOException {
        throw new UnsupportedOperationException("stub");
    }

    /** Writes the index, filter and footer, forces the file to disk and returns what it holds. */
    RunMeta finish() throws IOException {
        throw new UnsupportedOperationException("stub");
    }

    /** Closes the file; an unfinished file is left for the caller to delete. */
    @Override
    public void close() throws IOException {
        throw new UnsupportedOperationException("stub");
    }
}
