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
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The backend-neutral half of every memtable: argument checks, the closed state, size accounting,
 * sequence numbers, atomic batches and the write-ahead-log plumbing are written here once. A
 * backend supplies only a sorted map of versions through the {@code do…} methods, which are called
 * with checked arguments on an open table.
 *
 * <h2>What a backend stores</h2>
 * Versions ({@link MemTable}): for each key, every {@code (sequence, value)} written, ordered by
 * sequence. {@link #doPut} adds one (replacing an equal sequence), {@link #doGet} finds the newest
 * at or below a read sequence, {@link #doVersions} iterates all of them (key ascending, sequence
 * descending). {@link #doScan} has a default that filters {@code doVersions} down to the visible
 * version of each key ({@link Versions#visible}); a backend may override it with something faster.
 * {@link Versions} holds a lock-free per-key chain of versions and the map operations over it, for
 * backends built on a {@link java.util.NavigableMap}.
 *
 * <h2>Sequences</h2>
 * Two counters, both raised with compare-and-set, never lowered: the highest sequence <em>taken</em>
 * (by an unversioned write, or written by a versioned one) and the highest <em>applied</em>
 * ({@link #lastSequence()}). An unversioned write takes {@code taken + 1} atomically, so it is above
 * every sequence taken or written before it; a versioned write first raises {@code taken} to its
 * sequence. {@code applied} is raised after the backend applied the write, so
 * {@code lastSequence()} never names a version that is not there yet. A write that fails at the log
 * leaves its taken sequence unused (a gap, which is harmless) and {@code applied} unchanged.
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
    /** The highest sequence taken by an unversioned write or written by a versioned one. */
    private final AtomicLong taken = new AtomicLong();
    /** The highest sequence applied: {@link #lastSequence()}. */
    private final AtomicLong applied = new AtomicLong();
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
     * Adds the version {@code (sequence, value)} of {@code key} (an empty value is a tombstone);
     * if the key already has a version with that sequence, replaces its value. Must not disturb
     * the key's other versions, and must keep the order by sequence whatever order versions arrive
     * in. Arguments are checked and non-null, {@code sequence} is in {@code 1 .. MAX_SEQUENCE};
     * the table is open.
     */
    protected abstract void doPut(Bytes key, Bytes value, long sequence);

    /**
     * Returns the value of the version of {@code key} with the highest sequence
     * {@code <= sequence} (empty for a tombstone), or null if there is none. {@code sequence} is
     * {@code >= 0}; {@link Long#MAX_VALUE} asks for the newest version, the common case, which
     * should cost no more than a plain map lookup.
     */
    protected abstract Bytes doGet(Bytes key, long sequence);

    /**
     * Returns an iterator over every version between the bounds, keys ascending and, within a
     * key, sequences descending; weakly consistent, positioned on the first one. The range is never
     * empty or inverted (that case is answered before this is called); the bounds are non-null.
     */
    protected abstract MemTableIterator doVersions(Bound lower, Bound upper);

    /**
     * Returns an iterator over the version visible at {@code sequence} of each key between the
     * bounds (keys with none left out), ascending and weakly consistent, positioned on the first
     * one. The default filters {@link #doVersions} through {@link Versions#visible}. Same
     * preconditions as {@code doVersions}; {@code sequence >= 1} (a scan at 0 sees nothing and is
     * answered before this is called).
     */
    protected MemTableIterator doScan(Bound lower, Bound upper, long sequence) {
        return Versions.visible(doVersions(lower, upper), sequence);
    }

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
        put0(key, value, 0);
    }

    @Override
    public final void put(Bytes key, Bytes value, long sequence) {
        MemTable.checkEntry(key, value);
        MemTable.checkWriteSequence(sequence);
        checkWritable();
        put0(key, value, sequence);
    }

    @Override
    public final void delete(Bytes key, long sequence) {
        put(key, Bytes.EMPTY, sequence);
    }

    /** A checked put; {@code sequence} 0 means "take the next one". */
    private void put0(Bytes key, Bytes value, long sequence) {
        Wal log = wal;
        if (log == null) {
            long seq = sequence == 0 ? takeNext() : taking(sequence);
            doPut(key, value, seq);
            applied(seq, (long) key.length() + value.length() + VERSION_BYTES);
            return;
        }
        ReentrantLock lock = stripeLocks()[stripe(key)];
        lock.lock();
        try {
            long seq = sequence == 0 ? takeNext() : taking(sequence);
            long end = log.append(key, value, seq);
            if (syncEveryWrite) {
                log.syncTo(end);
            }
            doPut(key, value, seq);
            applied(seq, (long) key.length() + value.length() + VERSION_BYTES);
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
        write0(batch, 0);
    }

    @Override
    public final void write(WriteBatch batch, long sequence) {
        Objects.requireNonNull(batch, "batch");
        MemTable.checkWriteSequence(sequence);
        checkWritable();
        write0(batch, sequence);
    }

    /** A checked batch; {@code sequence} 0 means "take the next one". */
    private void write0(WriteBatch batch, long sequence) {
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
            long seq = sequence == 0 ? takeNext() : taking(sequence);
            Wal log = wal;
            if (log != null) {
                long end = log.append(batch, seq);
                if (syncEveryWrite) {
                    log.syncTo(end);
                }
            }
            applyAll(seq, entries, batch.payloadBytes());
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
        return Optional.ofNullable(doGet(key, Long.MAX_VALUE));
    }

    @Override
    public final Optional<Bytes> get(Bytes key, long sequence) {
        Objects.requireNonNull(key, "key");
        MemTable.checkReadSequence(sequence);
        checkOpen();
        return Optional.ofNullable(doGet(key, sequence));
    }

    @Override
    public final MemTableIterator scan(Bound lower, Bound upper) {
        return scan(lower, upper, Long.MAX_VALUE);
    }

    @Override
    public final MemTableIterator scan(Bound lower, Bound upper, long sequence) {
        Objects.requireNonNull(lower, "lower");
        Objects.requireNonNull(upper, "upper");
        MemTable.checkReadSequence(sequence);
        checkOpen();
        // An empty range, or sequence 0 (before every write: nothing is visible), gets the shared
        // empty iterator without asking the backend, still guarded: closing it, or the table,
        // must make it refuse use like any other iterator of this table.
        return new GuardedIterator(this, sequence == 0 || Bound.isEmptyRange(lower, upper)
                ? MemTableIterator.empty() : doScan(lower, upper, sequence));
    }

    @Override
    public final MemTableIterator versions(Bound lower, Bound upper) {
        Objects.requireNonNull(lower, "lower");
        Objects.requireNonNull(upper, "upper");
        checkOpen();
        return new GuardedIterator(this, Bound.isEmptyRange(lower, upper)
                ? MemTableIterator.empty() : doVersions(lower, upper));
    }

    @Override
    public final long lastSequence() {
        checkOpen();
        return applied.get();
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

    /** Applies a record read back from the log (no logging); called during recovery only. */
    final void applyRecovered(long sequence, WriteBatch batch) {
        MemTable.checkWriteSequence(sequence);
        if (batch.isEmpty()) {
            return; // no version: lastSequence() names only sequences the table holds
        }
        applyAll(taking(sequence), batch.entries(), batch.payloadBytes());
    }

    private void applyAll(long sequence, List<WriteBatch.Entry> entries, long payloadBytes) {
        for (WriteBatch.Entry e : entries) {
            doPut(e.key(), e.value(), sequence);
        }
        applied(sequence, payloadBytes + (long) entries.size() * VERSION_BYTES);
    }

    /** Takes the next sequence for an unversioned write. */
    private long takeNext() {
        long seq = taken.incrementAndGet();
        if (seq > MAX_SEQUENCE) {
            taken.set(MAX_SEQUENCE + 1); // stays exhausted, never wraps
            throw new IllegalStateException("memtable " + id + " has used every sequence up to"
                    + " MAX_SEQUENCE (" + MAX_SEQUENCE + "); write at an explicit sequence or"
                    + " start a new table");
        }
        return seq;
    }

    /** Records that a versioned write takes {@code sequence}; returns it. */
    private long taking(long sequence) {
        raise(taken, sequence);
        return sequence;
    }

    /** Records an applied write of {@code bytes} at {@code sequence}. */
    private void applied(long sequence, long bytes) {
        size.add(bytes);
        raise(applied, sequence);
    }

    private static void raise(AtomicLong counter, long to) {
        long now = counter.get();
        while (now < to && !counter.compareAndSet(now, to)) {
            now = counter.get();
        }
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

    /**
     * A helper for backends: the exception an iterator throws from {@code key()} or
     * {@code value()} when it is not positioned on an entry.
     */
    protected static NoSuchElementException noCurrentEntry() {
        return new NoSuchElementException("iterator is not positioned on an entry (isValid() is false)");
    }
}
