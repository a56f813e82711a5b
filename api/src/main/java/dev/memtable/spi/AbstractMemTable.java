package dev.memtable.spi;

import dev.memtable.Bound;
import dev.memtable.Bytes;
import dev.memtable.MemTable;
import dev.memtable.MemTableIterator;
import dev.memtable.SyncPolicy;
import dev.memtable.WalOptions;
import dev.memtable.WriteBatch;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The backend-neutral half of every memtable: argument checks, the closed state, size accounting,
 * atomic batches and the write-ahead-log plumbing are written here once. A backend supplies only a
 * sorted map through the {@code do…} methods, which are called with checked arguments on an open
 * table.
 *
 * <h2>Write path</h2>
 * Without a log, {@code put} is one {@link #doPut} (which must be atomic and thread-safe if the
 * backend declares {@link Capability#CONCURRENT_WRITES}). With a log, a write takes the stripe
 * lock of its key, appends its record, waits for durability if the {@link SyncPolicy} says so,
 * applies it to memory and releases the lock: the log order and the memory order of writes to one
 * key are then the same, so replaying the log rebuilds exactly this table. Writes to different
 * stripes proceed in parallel and share fsyncs. A batch locks all of its stripes (in ascending
 * order, so batches cannot deadlock). If the append or sync fails the table is unchanged.
 *
 * <h2>Memory ordering</h2>
 * The log is attached before the table is published to other threads (by the provider), and the
 * closed flag is volatile; a backend's map supplies the happens-before edge from a write to the
 * reads that see it.
 *
 * <h2>Sealing</h2>
 * {@link #seal()} marks the table sealed (writes check it after the closed flag), closes the log
 * and drops the stripe locks; a seal failure is kept and reported by {@link #syncWal()}. The
 * stripe locks are created at the first logged write or batch, so a table that is recovered and
 * sealed at once never has them.
 *
 * <h2>Closing</h2>
 * {@link #close()} sets the closed flag, then closes the log, then calls {@link #doClose()}. A call
 * that passed its closed check just before {@code close} may still complete; backends that free
 * memory in {@code doClose} must guard against that themselves.
 */
public abstract class AbstractMemTable implements MemTable {

    /** Stripes of the write lock; a power of two. */
    private static final int STRIPES = 1024;

    private final long id;
    private final LongAdder size = new LongAdder();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile boolean open = true;
    /** Set once, before the table is published; null for an in-memory table. */
    private Wal wal;
    private boolean syncEveryWrite;
    /** Created on first need (a logged write or a batch); dropped by {@link #seal()}. */
    private volatile ReentrantLock[] stripes;
    private volatile boolean sealed;
    /** Why closing the log at {@link #seal()} failed; null if it did not. */
    private volatile IOException sealFailure;

    /**
     * @param id the table's id, returned by {@link #id()}
     */
    protected AbstractMemTable(long id) {
        this.id = id;
    }

    // ---------------------------------------------------------------- backend hooks

    /**
     * Maps {@code key} to {@code value} (empty = tombstone), replacing any entry. Arguments are
     * checked and non-null; the table is open.
     */
    protected abstract void doPut(Bytes key, Bytes value);

    /** Returns the value stored for {@code key} (empty for a tombstone), or null if none. */
    protected abstract Bytes doGet(Bytes key);

    /**
     * Returns an iterator over the entries between the bounds, ascending and weakly consistent,
     * positioned on the first one. The range is never empty or inverted (that case is answered
     * before this is called); the bounds are non-null.
     */
    protected abstract MemTableIterator doScan(Bound lower, Bound upper);

    /** Returns true if the map holds no entry. */
    protected abstract boolean doIsEmpty();

    /** Releases the map's memory; called once, after the table is marked closed. */
    protected void doClose() {
    }

    // ---------------------------------------------------------------- MemTable

    @Override
    public final long id() {
        return id;
    }

    @Override
    public final void put(Bytes key, Bytes value) {
        MemTable.checkEntry(key, value);
        checkWritable();
        Wal log = wal;
        if (log == null) {
            doPut(key, value);
            size.add((long) key.length() + value.length());
            return;
        }
        ReentrantLock lock = stripeLocks()[stripe(key)];
        lock.lock();
        try {
            long end = log.append(key, value);
            if (syncEveryWrite) {
                log.syncTo(end);
            }
            doPut(key, value);
            size.add((long) key.length() + value.length());
        } catch (IOException e) {
            throw new UncheckedIOException("write-ahead log " + log.path()
                    + " did not take the write; the table is unchanged", e);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public final void delete(Bytes key) {
        put(key, Bytes.EMPTY);
    }

    @Override
    public final void write(WriteBatch batch) {
        Objects.requireNonNull(batch, "batch");
        checkWritable();
        List<WriteBatch.Entry> entries = batch.entries();
        if (entries.isEmpty()) {
            return;
        }
        ReentrantLock[] locks = stripeLocks();
        int[] held = stripesOf(entries);
        for (int s : held) {
            locks[s].lock();
        }
        try {
            Wal log = wal;
            if (log != null) {
                long end = log.append(batch);
                if (syncEveryWrite) {
                    log.syncTo(end);
                }
            }
            applyAll(entries, batch.payloadBytes());
        } catch (IOException e) {
            throw new UncheckedIOException("write-ahead log " + wal.path()
                    + " did not take the batch; the table is unchanged", e);
        } finally {
            for (int i = held.length - 1; i >= 0; i--) {
                locks[held[i]].unlock();
            }
        }
    }

    @Override
    public final Optional<Bytes> get(Bytes key) {
        Objects.requireNonNull(key, "key");
        checkOpen();
        return Optional.ofNullable(doGet(key));
    }

    @Override
    public final MemTableIterator scan(Bound lower, Bound upper) {
        Objects.requireNonNull(lower, "lower");
        Objects.requireNonNull(upper, "upper");
        checkOpen();
        // An empty range gets the shared empty iterator, still guarded: closing it, or the table,
        // must make it refuse use like any other iterator of this table.
        return new GuardedIterator(Bound.isEmptyRange(lower, upper)
                ? MemTableIterator.empty() : doScan(lower, upper));
    }

    @Override
    public final long approximateSize() {
        checkOpen();
        return size.sum();
    }

    @Override
    public final boolean isEmpty() {
        checkOpen();
        return doIsEmpty();
    }

    @Override
    public final void syncWal() throws IOException {
        checkOpen();
        if (sealed) {
            IOException failure = sealFailure;
            if (failure != null) {
                throw sealFailed(failure);
            }
            return;
        }
        Wal log = wal;
        if (log != null) {
            log.sync();
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>Closes the log ({@link Wal#close()} syncs first) and drops the stripe locks.
     */
    @Override
    public final void seal() throws IOException {
        checkOpen();
        synchronized (this) {
            if (!sealed) {
                sealed = true;
                Wal log = wal;
                if (log != null) {
                    try {
                        log.close();
                    } catch (IOException e) {
                        sealFailure = e;
                    }
                }
                stripes = null;
            }
        }
        IOException failure = sealFailure;
        if (failure != null) {
            throw sealFailed(failure);
        }
    }

    private IOException sealFailed(IOException failure) {
        return new IOException("write-ahead log " + wal.path() + " of memtable " + id
                + " failed when the table was sealed, so its last writes may not be durable: "
                + failure.getMessage(), failure);
    }

    @Override
    public final void close() throws IOException {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        open = false;
        try {
            if (wal != null) {
                wal.close();
            }
        } finally {
            doClose();
        }
    }

    /** Returns true once {@link #close()} has been called. */
    protected final boolean isClosed() {
        return !open;
    }

    /** Returns the attached log, or null for an in-memory table. */
    protected final Wal wal() {
        return wal;
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[id=" + id + (wal != null ? ", wal=" + wal.path() : "")
                + (open ? (sealed ? ", sealed" : "") : ", closed") + "]";
    }

    // ---------------------------------------------------------------- plumbing

    /** Attaches the log; called by the provider before the table is published. */
    final void attachWal(Wal log, WalOptions options) {
        if (this.wal != null) {
            throw new IllegalStateException("table " + id + " already has a write-ahead log");
        }
        this.wal = Objects.requireNonNull(log, "log");
        this.syncEveryWrite = options.syncPolicy() == SyncPolicy.EVERY_WRITE;
    }

    /** Applies a batch read back from the log (no logging); called during recovery only. */
    final void applyRecovered(WriteBatch batch) {
        applyAll(batch.entries(), batch.payloadBytes());
    }

    private void applyAll(List<WriteBatch.Entry> entries, long payloadBytes) {
        for (WriteBatch.Entry e : entries) {
            doPut(e.key(), e.value());
        }
        size.add(payloadBytes);
    }

    private void checkOpen() {
        if (!open) {
            throw new IllegalStateException("memtable " + id + " is closed");
        }
    }

    private void checkWritable() {
        checkOpen();
        if (sealed) {
            throw new IllegalStateException("memtable " + id + " is sealed: it takes no more"
                    + " writes (reads still work)");
        }
    }

    private ReentrantLock[] stripeLocks() {
        ReentrantLock[] s = stripes;
        if (s == null) {
            synchronized (this) {
                s = stripes;
                if (s == null) {
                    s = new ReentrantLock[STRIPES];
                    for (int i = 0; i < s.length; i++) {
                        s[i] = new ReentrantLock();
                    }
                    stripes = s;
                }
            }
        }
        return s;
    }

    private static int stripe(Bytes key) {
        int h = key.hashCode();
        return (h ^ (h >>> 16)) & (STRIPES - 1);
    }

    /** The distinct stripes of the batch's keys, ascending (the lock order). */
    private static int[] stripesOf(List<WriteBatch.Entry> entries) {
        int[] s = new int[entries.size()];
        for (int i = 0; i < s.length; i++) {
            s[i] = stripe(entries.get(i).key());
        }
        Arrays.sort(s);
        int n = 0;
        for (int i = 0; i < s.length; i++) {
            if (n == 0 || s[n - 1] != s[i]) {
                s[n++] = s[i];
            }
        }
        return n == s.length ? s : Arrays.copyOf(s, n);
    }

    /** Makes a backend iterator refuse use after it or its table is closed. */
    private final class GuardedIterator implements MemTableIterator {
        private final MemTableIterator inner;
        private boolean iteratorOpen = true;

        GuardedIterator(MemTableIterator inner) {
            this.inner = inner;
        }

        @Override
        public boolean isValid() {
            return iteratorOpen && open && inner.isValid();
        }

        @Override
        public Bytes key() {
            check();
            return inner.key();
        }

        @Override
        public Bytes value() {
            check();
            return inner.value();
        }

        @Override
        public void next() {
            check();
            inner.next();
        }

        @Override
        public void close() {
            if (iteratorOpen) {
                iteratorOpen = false;
                inner.close();
            }
        }

        private void check() {
            if (!iteratorOpen) {
                throw new IllegalStateException("iterator is closed");
            }
            if (!open) {
                throw new IllegalStateException("memtable " + id + " is closed");
            }
        }
    }

    /**
     * A helper for backends: the exception an iterator throws from {@code key()} or
     * {@code value()} when it is not positioned on an entry.
     */
    protected static NoSuchElementException noCurrentEntry() {
        return new NoSuchElementException("iterator is not positioned on an entry (isValid() is false)");
    }
}
