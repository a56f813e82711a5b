package dev.memtable.store;

import dev.memtable.Bound;
import dev.memtable.Bytes;
import dev.memtable.MemTableIterator;
import dev.memtable.WriteBatch;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * STUB: the signatures are final, the bodies are being written.
 */
public final class Store implements Closeable {

    private Store() {
    }

    /** Opens (or creates) the store in {@code directory} with {@link StoreOptions#defaults()}. */
    public static Store open(Path directory) throws IOException {
        return open(directory, StoreOptions.defaults());
    }

    /** Opens (or creates) the store in {@code directory}. */
    public static Store open(Path directory, StoreOptions options) throws IOException {
        throw new UnsupportedOperationException("stub");
    }

    /** Maps key to value (an empty value deletes). */
    public void put(Bytes key, Bytes value) {
        throw new UnsupportedOperationException("stub");
    }

    /** Deletes key. */
    public void delete(Bytes key) {
        throw new UnsupportedOperationException("stub");
    }

    /** Applies a batch atomically. */
    public void write(WriteBatch batch) {
        throw new UnsupportedOperationException("stub");
    }

    /** The value, or empty if absent or deleted. */
    public Optional<Bytes> get(Bytes key) {
        throw new UnsupportedOperationException("stub");
    }

    /** Live entries in range, ascending. Close it. */
    public MemTableIterator scan(Bound lower, Bound upper) {
        throw new UnsupportedOperationException("stub");
    }

    /** A consistent view. Close it. */
    public Snapshot snapshot() {
        throw new UnsupportedOperationException("stub");
    }

    /** Makes every returned write durable. */
    public void sync() throws IOException {
        throw new UnsupportedOperationException("stub");
    }

    /** Freezes and writes every frozen table to a run; returns once durable. */
    public void flush() throws IOException {
        throw new UnsupportedOperationException("stub");
    }

    /** Merges every run into one. */
    public void compact() throws IOException {
        throw new UnsupportedOperationException("stub");
    }

    /** Statistics. */
    public StoreStats stats() {
        throw new UnsupportedOperationException("stub");
    }

    /** The block cache's statistics. */
    public BlockCacheStats cacheStats() {
        throw new UnsupportedOperationException("stub");
    }

    /** The store's directory. */
    public Path directory() {
        throw new UnsupportedOperationException("stub");
    }

    /** The options it was opened with. */
    public StoreOptions options() {
        throw new UnsupportedOperationException("stub");
    }

    /** Closes the store. */
    @Override
    public void close() throws IOException {
        throw new UnsupportedOperationException("stub");
    }
}
