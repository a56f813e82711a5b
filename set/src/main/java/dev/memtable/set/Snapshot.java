package dev.memtable.set;

import dev.memtable.Bound;
import dev.memtable.Bytes;
import dev.memtable.MemTableIterator;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A consistent, read-only view of a {@link MemTableSet} at one sequence number: what the set held
 * when {@link MemTableSet#snapshot()} was called, however many writes, freezes and flushes happen
 * afterwards. Reads see, for each key, the newest version at or below {@link #sequence()}, across
 * every table the set had then; never a later write, never part of a batch.
 *
 * <h2>What it holds</h2>
 * A snapshot pins the tables it reads: a table that {@link MemTableSet#flushed} releases after the
 * snapshot was taken stays open and readable to the snapshot, and is closed when the snapshot (and
 * every iterator it returned) is closed. While it is open, its sequence counts towards the set's
 * {@linkplain MemTableSet#watermark() watermark}, so a flush keeps the versions it sees
 * ({@link MemTableSet#versionsToFlush}). <b>Close it</b>, ideally with try-with-resources: an
 * open snapshot keeps released tables in memory.
 *
 * <h2>Closing</h2>
 * {@link #close()} is idempotent. Afterwards {@link #get} and {@link #scan} throw
 * {@link IllegalStateException}; {@link #sequence()} still answers. Iterators returned before
 * {@code close} stay usable until they are closed themselves (they hold the tables too). Closing
 * the set closes its tables, so reads through any snapshot then throw
 * {@link IllegalStateException}.
 *
 * <p>Thread-safe: any number of threads may read through one snapshot at once (each iterator is
 * for one thread at a time, as always).
 */
public final class Snapshot implements AutoCloseable {

    private final long sequence;
    private final TableRotation rotation;
    private final Watermark watermark;
    /** The set's tables when the snapshot was taken, newest first, each pinned. */
    private final TableSlot[] tables;
    private final int[] tokens;
    /** The snapshot itself (until closed) and its open iterators. */
    private final AtomicInteger holders = new AtomicInteger(1);
    private final AtomicBoolean closed = new AtomicBoolean();

    /**
     * Takes a snapshot of {@code rotation}'s tables at its published sequence and registers it in
     * {@code watermark}: what {@link MemTableSet#snapshot()} returns.
     *
     * @throws IllegalStateException if the set is closed
     */
    static Snapshot take(TableRotation rotation, Watermark watermark) {
        while (true) {
            rotation.checkOpen();
            // The sequence first, then the tables: every table holding a version at or below the
            // sequence is then in the snapshot (or was released before it, as for any read).
            long sequence = rotation.sequences().published();
            watermark.add(sequence);
            Tables now = rotation.tables();
            int[] tokens = now.pinAll();
            if (tokens != null) {
                return new Snapshot(sequence, rotation, watermark, now.newestFirst(), tokens);
            }
            watermark.remove(sequence); // a table was released meanwhile: take the new state
        }
    }

    /** A snapshot over {@code tables}, pinned by the caller with {@code tokens}, registered. */
    private Snapshot(long sequence, TableRotation rotation, Watermark watermark, TableSlot[] tables,
             int[] tokens) {
        this.sequence = sequence;
        this.rotation = rotation;
        this.watermark = watermark;
        this.tables = tables;
        this.tokens = tokens;
    }

    /** Returns the sequence this snapshot reads at: the set's published sequence when taken. */
    public long sequence() {
        return sequence;
    }

    /**
     * Looks {@code key} up as the set would have answered at {@link #sequence()}: empty if no
     * table knows it (look on disk, at this sequence), an empty {@code Bytes} if its newest
     * version at the sequence is a tombstone, else that version's value.
     *
     * @throws NullPointerException if {@code key} is null
     * @throws IllegalStateException if this snapshot or the set is closed
     */
    public Optional<Bytes> get(Bytes key) {
        Objects.requireNonNull(key, "key");
        checkOpen();
        for (TableSlot t : tables) {
            Optional<Bytes> found = t.table.get(key, sequence);
            if (found.isPresent()) {
                return found;
            }
        }
        return Optional.empty();
    }

    /**
     * Returns the live entries between the bounds as of {@link #sequence()}: ascending, each key
     * once with its newest value at the sequence, keys whose version there is a tombstone left
     * out. Consistent: no write made after the snapshot is seen, however long the scan runs.
     * <b>Close the iterator</b>; it keeps the snapshot's tables open until then, even after the
     * snapshot itself is closed.
     *
     * @throws NullPointerException naming {@code lower} or {@code upper} if it is null
     * @throws IllegalStateException if this snapshot or the set is closed
     */
    public MemTableIterator scan(Bound lower, Bound upper) {
        return scan0(lower, upper, true);
    }

    /**
     * As {@link #scan}, but yields a key whose version at {@link #sequence()} is a tombstone as an
     * entry with an empty value, for an engine that merges the snapshot with older, on-disk data
     * read at the same sequence.
     *
     * @throws NullPointerException naming {@code lower} or {@code upper} if it is null
     * @throws IllegalStateException if this snapshot or the set is closed
     */
    public MemTableIterator scanWithTombstones(Bound lower, Bound upper) {
        return scan0(lower, upper, false);
    }

    private MemTableIterator scan0(Bound lower, Bound upper, boolean liveOnly) {
        Objects.requireNonNull(lower, "lower");
        Objects.requireNonNull(upper, "upper");
        checkOpen();
        if (Bound.isEmptyRange(lower, upper)) {
            return MemTableIterator.empty();
        }
        if (!hold()) {
            throw closedException();
        }
        AtomicBoolean released = new AtomicBoolean();
        return Tables.scan(tables, lower, upper, liveOnly, sequence, () -> {
            if (released.compareAndSet(false, true)) {
                letGo();
            }
        });
    }

    /** Closes the snapshot (see the class comment). Idempotent; never throws. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            letGo();
        }
    }

    /** Returns true once {@link #close()} was called. */
    public boolean isClosed() {
        return closed.get();
    }

    @Override
    public String toString() {
        return "Snapshot[sequence=" + sequence + ", tables=" + tables.length
                + (closed.get() ? ", closed" : "") + "]";
    }

    private void checkOpen() {
        if (closed.get()) {
            throw closedException();
        }
        rotation.checkOpen();
    }

    private IllegalStateException closedException() {
        return new IllegalStateException("snapshot at sequence " + sequence + " is closed");
    }

    /** Adds a holder unless the last one has already let go. */
    private boolean hold() {
        int n;
        do {
            n = holders.get();
            if (n == 0) {
                return false;
            }
        } while (!holders.compareAndSet(n, n + 1));
        return true;
    }

    /** Drops a holder; the last one unpins the tables and leaves the watermark. */
    private void letGo() {
        if (holders.decrementAndGet() == 0) {
            Tables.unpin(tables, tokens, tables.length);
            watermark.remove(sequence);
        }
    }
}
