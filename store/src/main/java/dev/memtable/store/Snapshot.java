package dev.memtable.store;

import dev.memtable.Bound;
import dev.memtable.Bytes;
import dev.memtable.MemTableIterator;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A consistent, read-only view of a {@link Store} at one sequence: what the store held when
 * {@link Store#snapshot()} was called, in memtables and runs alike, however many writes, flushes
 * and merges happen afterwards. Reads see, for each key, the newest version at or below
 * {@link #sequence()}; never a later write, never part of a batch.
 *
 * <p>It holds the memtables and the runs it reads (a memtable flushed or a run merged away
 * afterwards stays readable to it), and while it is open the store's merges keep every version
 * it sees. <b>Close it</b>, ideally with try-with-resources. {@link #close()} is idempotent;
 * afterwards {@link #get} and {@link #scan} throw {@link IllegalStateException}, and iterators
 * returned before stay usable until closed themselves. Closing the store ends every read through
 * its snapshots ({@link IllegalStateException}).
 *
 * <p>Thread-safe: any number of threads may read through one snapshot at once.
 */
public final class Snapshot implements AutoCloseable {

    private final Store store;
    private final dev.memtable.set.Snapshot tables;
    private final RunSet runs;
    private final AtomicBoolean closed = new AtomicBoolean();

    Snapshot(Store store, dev.memtable.set.Snapshot tables, RunSet runs) {
        this.store = store;
        this.tables = tables;
        this.runs = runs;
    }

    /** Returns the sequence this snapshot reads at. Answers after {@link #close()} too. */
    public long sequence() {
        return tables.sequence();
    }

    /**
     * Returns the value {@code key} had at {@link #sequence()}, or {@code Optional.empty()} if it
     * was absent or deleted then.
     *
     * @throws NullPointerException if {@code key} is null
     * @throws IllegalStateException if this snapshot or the store is closed
     * @throws java.io.UncheckedIOException if a run cannot be read
     */
    public Optional<Bytes> get(Bytes key) {
        Objects.requireNonNull(key, "key");
        checkOpen();
        Optional<Bytes> inMemory = tables.get(key);
        if (inMemory.isPresent()) {
            return Reads.live(inMemory);
        }
        return Reads.get(runs, key, tables.sequence());
    }

    /**
     * Returns the live entries between the bounds as of {@link #sequence()}, ascending, each key
     * once with its value then. <b>Close the iterator</b>; it keeps what it reads open until
     * then, even after the snapshot itself is closed.
     *
     * @throws NullPointerException naming {@code lower} or {@code upper} if it is null
     * @throws IllegalStateException if this snapshot or the store is closed
     * @throws java.io.UncheckedIOException if a run cannot be read, now or while iterating
     */
    public MemTableIterator scan(Bound lower, Bound upper) {
        Objects.requireNonNull(lower, "lower");
        Objects.requireNonNull(upper, "upper");
        checkOpen();
        MemTableIterator inMemory = tables.scanWithTombstones(lower, upper);
        runs.retain();
        return Reads.scan(inMemory, lower, upper, tables.sequence(), runs);
    }

    /** Closes the snapshot (see the class comment). Idempotent; never throws. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            store.forget(this);
            try {
                tables.close();
            } finally {
                runs.release();
            }
        }
    }

    /** Returns true once {@link #close()} was called. */
    public boolean isClosed() {
        return closed.get();
    }

    private void checkOpen() {
        if (closed.get()) {
            throw new IllegalStateException("snapshot at sequence " + sequence() + " is closed");
        }
        store.checkOpen();
    }

    @Override
    public String toString() {
        return "Snapshot[sequence=" + sequence() + (closed.get() ? ", closed" : "") + "]";
    }
}
