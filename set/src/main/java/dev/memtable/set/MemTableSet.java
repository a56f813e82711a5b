package dev.memtable.set;

import dev.memtable.Bound;
import dev.memtable.Bytes;
import dev.memtable.MemTable;
import dev.memtable.MemTableIterator;
import dev.memtable.MemTables;
import dev.memtable.MergeIterator;
import dev.memtable.WalCorruptionException;
import dev.memtable.WalOptions;
import dev.memtable.WriteBatch;
import dev.memtable.spi.Capability;
import dev.memtable.spi.MemTableProvider;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The memtable layer of an LSM tree: one mutable table that takes every write, the frozen
 * (immutable) tables waiting to be flushed, reads across all of them newest first, and, with a
 * WAL directory, recovery of all of them after a restart. Works over any {@link MemTableProvider}.
 * <pre>{@code
 * try (MemTableSet set = MemTableSet.builder()
 *         .backend(MemTables.defaultProvider())
 *         .freezeAtBytes(64 << 20)
 *         .walDirectory(Path.of("db/wal"))
 *         .maxImmutables(4)
 *         .build()) {
 *     set.put(Bytes.ofUtf8("k"), Bytes.ofUtf8("v"));
 *     set.get(Bytes.ofUtf8("k"));          // Optional[b"v"]
 *     // a flush thread: write the oldest immutable table to disk, then release it
 *     Optional<MemTable> oldest = set.oldestImmutable();
 *     // ... write oldest.get().scan(...) to an SSTable, make it durable and visible ...
 *     // set.flushed(oldest.get());
 * }
 * }</pre>
 *
 * <h2>Freezing</h2>
 * Writes ({@link #put}, {@link #delete}, {@link #write(WriteBatch)}) go into the mutable table.
 * When a write leaves its {@link MemTable#approximateSize()} at or above
 * {@link Builder#freezeAtBytes(long) freezeAtBytes}, that writer freezes it before returning: a new
 * empty table with the next id becomes the mutable one, and the old one becomes the newest
 * immutable table. Exactly one thread freezes a given table; a freeze never touches a table other
 * than the one that grew too large, so a just-installed empty table is never frozen.
 * {@link #freeze()} forces a freeze. Ids rise with every new table, across restarts too.
 *
 * <h2>Reads</h2>
 * {@link #get(Bytes)} asks the tables newest first; the first that knows the key decides, with
 * the three-valued answer of {@link MemTable#get}: a tombstone (an empty value) means deleted in
 * memory, {@code Optional.empty()} means "not in memory, look on disk". {@link #scan} merges all
 * tables ({@link MergeIterator}), newest version of each key winning, live entries only;
 * {@link #scanWithTombstones} keeps the tombstones for an engine that merges further with its
 * on-disk tables.
 *
 * <h2>Flush hand-off and back-pressure</h2>
 * An engine takes {@link #oldestImmutable()}, writes it out, makes the result durable and visible
 * to its own reads, then calls {@link #flushed(MemTable)}: the set drops the table and deletes its
 * log file, in that call and not before, so a crash before it only replays the table again. With
 * {@link Builder#maxImmutables(int) maxImmutables} immutable tables held, a write that needs a
 * freeze <em>stalls</em> (as RocksDB stalls writes) until a table is released, for at most
 * {@link Builder#stallTimeout(Duration) stallTimeout}; then it fails with a
 * {@link WriteStallException} and is <b>not applied</b>. A write that fills the mutable table
 * while the limit is reached is still applied and returns; the table is frozen by the next write,
 * which stalls first. So memory stays near {@code (maxImmutables + 1) * freezeAtBytes}, plus the
 * writes in flight when a table fills.
 *
 * <h2>WAL directory</h2>
 * With {@link Builder#walDirectory(Path)}, every table has its own log file in the directory,
 * named by its id in 20 zero-padded digits ({@code 00000000000000000042.wal}), so name order is id
 * order. {@link Builder#build()} recovers every log there into immutable tables, newest first,
 * deletes logs that recover empty, and opens a new mutable table whose id is above every id it
 * found. A {@code LOCK} file keeps a second set out of the directory; files not ending in
 * {@code .wal} are left alone, a {@code .wal} file with another name fails the build.
 * {@link #sync()} makes every accepted write durable; {@link #close()} syncs and does not flush
 * (the logs stay and are recovered by the next build). Without a directory the set lives in memory
 * only.
 *
 * <h2>Threads</h2>
 * Every method may be called by any number of threads at once.
 * <ul>
 *   <li><b>Writers do not share a lock.</b> The tables in use are an immutable snapshot
 *       (mutable table, immutable list) in a volatile field, replaced copy-on-write under a freeze
 *       lock that only freezes, releases and {@code close} take. A writer reads the snapshot,
 *       enters the mutable table's <em>writer gate</em> (a striped in-flight counter: threads on
 *       different stripes touch different cache lines), writes, and leaves. A freeze first
 *       installs the new snapshot, then shuts the old table's gate and waits until the writers
 *       inside have left; a writer that finds the gate shut reads the new snapshot and writes
 *       there. So no write lands in a table after its freeze has returned, and
 *       {@link #oldestImmutable()} hands out a table only once its writers are gone: a table given
 *       to a flush is final. (For a backend without {@link Capability#CONCURRENT_WRITES} the set
 *       adds one lock around each write, as that backend requires.)</li>
 *   <li><b>A reader never misses a table.</b> It reads the snapshot once and uses only it. A table
 *       being frozen is in every snapshot, as the mutable table in the old and as the newest
 *       immutable one in the new, so a read racing a freeze finds it either way; writes still
 *       finishing in it are seen or not, as with any concurrent write. A reader pins each table it
 *       reads (a striped counter again), and a released table is closed only when its last reader
 *       leaves, so a {@link #get} or an open {@link #scan} keeps reading a table that is released
 *       meanwhile. A read that finds a table already released retries with the current snapshot.
 *       </li>
 *   <li><b>Visibility.</b> A write is visible to every read that starts after it returns; a
 *       scan is weakly consistent (see {@link MemTableIterator}) over the tables of its snapshot.
 *       A batch is written into one table atomically with respect to the log; readers may see its
 *       entries one by one, as {@link MemTable#write} says.</li>
 *   <li><b>Freezes, releases and closing</b> are serialised by the freeze lock. Stalled writers
 *       wait on it and wake on every release and on {@code close}.</li>
 *   <li><b>Closing</b> stops new calls (they throw {@link IllegalStateException}), waits for the
 *       writes in flight, then closes every table. Reads in flight and open iterators may then
 *       fail with {@link IllegalStateException}.</li>
 * </ul>
 *
 * <h2>Errors</h2>
 * A write that throws was not applied: a bad argument ({@link NullPointerException},
 * {@link IllegalArgumentException}) is rejected before anything happens; a stall fails before the
 * write touches a table; a log that refuses the write leaves the table unchanged
 * ({@link UncheckedIOException}). If the new table of a freeze cannot be created (its log file,
 * say), the write that triggered the freeze stays applied and returns, the full table stays
 * mutable, and the next write retries the freeze and gets the error.
 */
public final class MemTableSet implements Closeable {

    /** The default {@link Builder#freezeAtBytes(long)}: 64 MiB, RocksDB's write buffer size. */
    public static final long DEFAULT_FREEZE_AT_BYTES = 64L * 1024 * 1024;

    /** The default {@link Builder#stallTimeout(Duration)}: one minute. */
    public static final Duration DEFAULT_STALL_TIMEOUT = Duration.ofMinutes(1);

    private static final System.Logger LOG = System.getLogger(MemTableSet.class.getName());

    /** The tables in use: an immutable snapshot, replaced as a whole. */
    private static final class State {
        final TableSlot mutable;
        /** Newest first. */
        final List<TableSlot> immutables;
        /** The mutable table, then the immutables: the order of every read. */
        final TableSlot[] newestFirst;
        final List<MemTable> immutableViews;

        State(TableSlot mutable, List<TableSlot> immutables) {
            this.mutable = mutable;
            this.immutables = List.copyOf(immutables);
            this.newestFirst = new TableSlot[immutables.size() + 1];
            this.newestFirst[0] = mutable;
            List<MemTable> views = new ArrayList<>(immutables.size());
            for (int i = 0; i < immutables.size(); i++) {
                newestFirst[i + 1] = immutables.get(i);
                views.add(immutables.get(i).view);
            }
            this.immutableViews = Collections.unmodifiableList(views);
        }

        TableSlot oldest() {
            return immutables.isEmpty() ? null : immutables.get(immutables.size() - 1);
        }
    }

    private final MemTableProvider backend;
    private final long freezeAtBytes;
    private final int maxImmutables;
    private final Duration stallTimeout;
    private final WalOptions walOptions;
    /** Null for a set in memory only. */
    private final WalDirectory walDir;
    /** Serialises writes for a backend without {@link Capability#CONCURRENT_WRITES}; else null. */
    private final Lock serialWrites;

    private final ReentrantLock freezeLock = new ReentrantLock();
    /** Signalled when a table is released or the set closes: stalled writers re-check. */
    private final Condition roomOrClosed = freezeLock.newCondition();
    /** Released tables still pinned by readers; closed with the set if still open. */
    private final Set<TableSlot> retiring = ConcurrentHashMap.newKeySet();

    private volatile State state;
    private volatile boolean closed;
    /** The id of the next new table; guarded by {@link #freezeLock} after construction. */
    private long nextId;

    private MemTableSet(Builder b, WalDirectory walDir) {
        this.backend = b.backend;
        this.freezeAtBytes = b.freezeAtBytes;
        this.maxImmutables = b.maxImmutables;
        this.stallTimeout = b.stallTimeout;
        this.walOptions = b.walOptions != null ? b.walOptions : WalOptions.defaults();
        this.walDir = walDir;
        this.serialWrites = backend.capabilities().contains(Capability.CONCURRENT_WRITES)
                ? null : new ReentrantLock();
    }

    /** Returns a builder with the defaults documented on its methods. */
    public static Builder builder() {
        return new Builder();
    }

    // ------------------------------------------------------------------ writes

    /**
     * Maps {@code key} to {@code value} in the mutable table (an empty value is a delete), then
     * freezes the table if it reached the freeze size.
     *
     * @throws NullPointerException naming {@code key} or {@code value} if it is null
     * @throws IllegalArgumentException if the key or value exceeds the limits of {@link MemTable}
     * @throws IllegalStateException if the set is closed
     * @throws WriteStallException if the write needed a freeze and the set stayed at its
     *     {@code maxImmutables} limit for the stall timeout (the write was not applied)
     * @throws UncheckedIOException if the log refused the write (not applied), or a pending
     *     freeze could not create the next table (not applied)
     */
    public void put(Bytes key, Bytes value) {
        MemTable.checkEntry(key, value);
        write0(key, value, null);
    }

    /**
     * Writes a tombstone for {@code key}: the same as {@code put(key, Bytes.EMPTY)}.
     *
     * @throws NullPointerException if {@code key} is null
     * @throws IllegalArgumentException if the key exceeds {@link MemTable#MAX_KEY_LENGTH}
     * @throws IllegalStateException if the set is closed
     * @throws WriteStallException as for {@link #put}
     * @throws UncheckedIOException as for {@link #put}
     */
    public void delete(Bytes key) {
        put(key, Bytes.EMPTY);
    }

    /**
     * Applies {@code batch} to the mutable table as one atomic write ({@link MemTable#write}): a
     * batch never spans two tables, and with a WAL directory it is one log record. An empty batch
     * does nothing.
     *
     * @throws NullPointerException if {@code batch} is null
     * @throws IllegalStateException if the set is closed
     * @throws WriteStallException as for {@link #put}
     * @throws UncheckedIOException as for {@link #put}
     */
    public void write(WriteBatch batch) {
        Objects.requireNonNull(batch, "batch");
        checkOpen();
        if (!batch.isEmpty()) {
            write0(null, null, batch);
        }
    }

    private void write0(Bytes key, Bytes value, WriteBatch batch) {
        while (true) {
            checkOpen();
            TableSlot m = state.mutable;
            if (m.isFull()) {
                freezeBeforeWrite(m);
                continue;
            }
            int token = m.enterWrite();
            if (token < 0) {
                // Frozen since we read the snapshot; the new one is already installed.
                continue;
            }
            long size;
            try {
                if (serialWrites != null) {
                    serialWrites.lock();
                }
                try {
                    if (batch == null) {
                        m.table.put(key, value);
                    } else {
                        m.table.write(batch);
                    }
                    size = m.table.approximateSize();
                } finally {
                    if (serialWrites != null) {
                        serialWrites.unlock();
                    }
                }
            } finally {
                m.exitWrite(token);
            }
            if (size >= freezeAtBytes && m.claimFreeze()) {
                freezeAfterWrite(m);
            }
            return;
        }
    }

    /**
     * Freezes {@code m}, which this thread's applied write filled, if there is room. Never throws:
     * the write is done, so a freeze that cannot happen now is left to the next writer.
     */
    private void freezeAfterWrite(TableSlot m) {
        freezeLock.lock();
        try {
            if (closed || state.mutable != m) {
                return;
            }
            if (state.immutables.size() >= maxImmutables) {
                m.markFull();
                return;
            }
            doFreeze(m);
        } catch (RuntimeException e) {
            m.markFull();
            LOG.log(System.Logger.Level.WARNING, "freezing memtable " + m.id() + " failed; the"
                    + " next write retries the freeze and reports the error", e);
        } finally {
            freezeLock.unlock();
        }
    }

    /** Gets the full table {@code m} frozen before writing, stalling while there is no room. */
    private void freezeBeforeWrite(TableSlot m) {
        long start = System.nanoTime();
        freezeLock.lock();
        try {
            while (true) {
                checkOpen();
                if (state.mutable != m) {
                    return;
                }
                if (state.immutables.size() < maxImmutables) {
                    doFreeze(m);
                    return;
                }
                awaitRoom(start);
            }
        } finally {
            freezeLock.unlock();
        }
    }

    /**
     * Freezes the mutable table now, even below the freeze size; does nothing if it is empty.
     * When this returns, every write that returned before it was called is in an immutable table.
     * Stalls like a write while the set holds {@code maxImmutables} immutable tables.
     *
     * @return true if this call froze a table; false if the mutable table was empty, or another
     *     thread froze it first
     * @throws IllegalStateException if the set is closed
     * @throws WriteStallException if there was no room for the stall timeout (nothing changed)
     * @throws UncheckedIOException if the next table's log could not be created (nothing changed)
     */
    public boolean freeze() {
        long start = System.nanoTime();
        freezeLock.lock();
        try {
            checkOpen();
            TableSlot m = state.mutable;
            while (true) {
                if (state.mutable != m || m.table.isEmpty()) {
                    return false;
                }
                if (state.immutables.size() < maxImmutables) {
                    doFreeze(m);
                    return true;
                }
                awaitRoom(start);
                checkOpen();
            }
        } finally {
            freezeLock.unlock();
        }
    }

    /**
     * Installs a new mutable table, makes {@code m} the newest immutable one and waits for the
     * writers still inside {@code m}. Caller holds the freeze lock; {@code m} is the mutable table
     * and there is room. If the new table cannot be created nothing changes.
     */
    private void doFreeze(TableSlot m) {
        TableSlot next = newTable();
        List<TableSlot> immutables = new ArrayList<>(state.immutables.size() + 1);
        immutables.add(m);
        immutables.addAll(state.immutables);
        state = new State(next, immutables);
        m.sealAndDrainWriters();
    }

    /** Waits (freeze lock held) for a release or close, or throws at the stall timeout. */
    private void awaitRoom(long start) {
        long remaining = stallTimeout.toNanos() - (System.nanoTime() - start);
        if (remaining <= 0) {
            throw stalled(start, null);
        }
        try {
            roomOrClosed.awaitNanos(remaining);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw stalled(start, e);
        }
    }

    private WriteStallException stalled(long start, InterruptedException interrupt) {
        Duration waited = Duration.ofNanos(System.nanoTime() - start);
        String why = interrupt != null
                ? "was interrupted after waiting " + millis(waited)
                : "waited " + millis(waited) + " (stallTimeout " + millis(stallTimeout) + ")";
        return new WriteStallException("Write stalled: the memtable set holds "
                + state.immutables.size() + " immutable tables (maxImmutables = " + maxImmutables
                + ") and needs a freeze; it " + why + " for a table to be released with"
                + " flushed(oldestImmutable()). The write was not applied; the set is unchanged.",
                maxImmutables, waited, interrupt);
    }

    private static String millis(Duration d) {
        return TimeUnit.NANOSECONDS.toMillis(d.toNanos()) + " ms";
    }

    // ------------------------------------------------------------------ reads

    /**
     * Looks {@code key} up in the tables, newest first; the first table that knows the key
     * decides. Returns {@code Optional.empty()} if no table knows it (look on disk), an empty
     * {@code Bytes} if the newest entry is a tombstone (deleted: do not look further), else the
     * value.
     *
     * @throws NullPointerException if {@code key} is null
     * @throws IllegalStateException if the set is closed
     */
    public Optional<Bytes> get(Bytes key) {
        Objects.requireNonNull(key, "key");
        retry:
        while (true) {
            checkOpen();
            for (TableSlot t : state.newestFirst) {
                int token = t.pin();
                if (token < 0) {
                    // Released since we read the snapshot: the current one no longer holds it.
                    continue retry;
                }
                try {
                    Optional<Bytes> found = t.table.get(key);
                    if (found.isPresent()) {
                        return found;
                    }
                } finally {
                    t.unpin(token);
                }
            }
            return Optional.empty();
        }
    }

    /**
     * Returns the live entries between the bounds across all tables: ascending, each key once
     * with its newest value, keys whose newest version is a tombstone left out. The iterator pins
     * the tables of the moment it was created (a released table stays open until the iterator is
     * closed: <b>close it</b>) and is weakly consistent with writes made while it runs.
     *
     * @throws NullPointerException naming {@code lower} or {@code upper} if it is null
     * @throws IllegalStateException if the set is closed
     */
    public MemTableIterator scan(Bound lower, Bound upper) {
        return scan0(lower, upper, true);
    }

    /**
     * As {@link #scan}, but yields a key whose newest version is a tombstone as an entry with an
     * empty value, for an engine that merges this with older, on-disk data.
     *
     * @throws NullPointerException naming {@code lower} or {@code upper} if it is null
     * @throws IllegalStateException if the set is closed
     */
    public MemTableIterator scanWithTombstones(Bound lower, Bound upper) {
        return scan0(lower, upper, false);
    }

    private MemTableIterator scan0(Bound lower, Bound upper, boolean liveOnly) {
        Objects.requireNonNull(lower, "lower");
        Objects.requireNonNull(upper, "upper");
        retry:
        while (true) {
            checkOpen();
            if (Bound.isEmptyRange(lower, upper)) {
                return MemTableIterator.empty();
            }
            TableSlot[] tables = state.newestFirst;
            int[] tokens = new int[tables.length];
            for (int i = 0; i < tables.length; i++) {
                tokens[i] = tables[i].pin();
                if (tokens[i] < 0) {
                    unpin(tables, tokens, i);
                    continue retry;
                }
            }
            Runnable unpinAll = () -> unpin(tables, tokens, tables.length);
            List<MemTableIterator> sources = new ArrayList<>(tables.length);
            try {
                for (TableSlot t : tables) {
                    sources.add(t.table.scan(lower, upper));
                }
            } catch (RuntimeException e) {
                sources.forEach(MemTableIterator::close);
                unpinAll.run();
                throw e;
            }
            return MergeIterator.create(sources, liveOnly, unpinAll);
        }
    }

    private static void unpin(TableSlot[] tables, int[] tokens, int count) {
        for (int i = 0; i < count; i++) {
            tables[i].unpin(tokens[i]);
        }
    }

    /**
     * Returns the mutable table, as a read-only view (writes go through the set). The table may be
     * frozen at any moment after this returns.
     *
     * @throws IllegalStateException if the set is closed
     */
    public MemTable mutable() {
        checkOpen();
        return state.mutable.view;
    }

    /**
     * Returns the immutable tables, newest first (descending ids), as an unmodifiable snapshot of
     * read-only views. The newest may still be receiving writes that began before its freeze
     * ({@link #oldestImmutable()} waits for those).
     *
     * @throws IllegalStateException if the set is closed
     */
    public List<MemTable> immutables() {
        checkOpen();
        return state.immutableViews;
    }

    // ------------------------------------------------------------------ flush hand-off

    /**
     * Returns the oldest immutable table (the next one to flush), or empty if there is none. The
     * table is final: every write that entered it has completed. It is a read-only view.
     *
     * @throws IllegalStateException if the set is closed
     */
    public Optional<MemTable> oldestImmutable() {
        checkOpen();
        TableSlot oldest = state.oldest();
        if (oldest == null) {
            return Optional.empty();
        }
        oldest.awaitSealed();
        return Optional.of(oldest.view);
    }

    /**
     * Tells the set that {@code table}, its oldest immutable table, is now durable elsewhere (and
     * visible to the engine's reads): the set deletes the table's log file (and fsyncs the
     * directory) in this call, drops the table, wakes stalled writers, and closes the table once no
     * read or open iterator of the set uses it any more. A crash before this call replays the
     * table at the next build, which is harmless. Tables must be released oldest first.
     *
     * @param table a table returned by {@link #oldestImmutable()} or {@link #immutables()}
     * @throws NullPointerException if {@code table} is null
     * @throws IllegalArgumentException if {@code table} is not the oldest immutable table of this
     *     set (the mutable table, a newer immutable one, one already released, or a stranger)
     * @throws IllegalStateException if the set is closed
     * @throws IOException if the log file could not be deleted; the set is then unchanged
     */
    public void flushed(MemTable table) throws IOException {
        Objects.requireNonNull(table, "table");
        TableSlot oldest;
        freezeLock.lock();
        try {
            checkOpen();
            State s = state;
            oldest = s.oldest();
            if (oldest == null || oldest.view != table) {
                throw new IllegalArgumentException(notReleasable(s, table));
            }
            if (walDir != null) {
                walDir.delete(oldest.walFile);
            }
            retiring.add(oldest);
            state = new State(s.mutable, s.immutables.subList(0, s.immutables.size() - 1));
            roomOrClosed.signalAll();
        } finally {
            freezeLock.unlock();
        }
        oldest.release();
    }

    private static String notReleasable(State s, MemTable table) {
        String what = "memtable " + table.id();
        if (table == s.mutable.view) {
            return what + " is the mutable table: it can be released only once it is frozen and"
                    + " the oldest immutable table";
        }
        TableSlot oldest = s.oldest();
        for (TableSlot t : s.immutables) {
            if (t.view == table) {
                return what + " is not the oldest immutable table (that is memtable "
                        + oldest.id() + "): release tables oldest first, as oldestImmutable()"
                        + " returns them";
            }
        }
        return what + " is not an immutable table of this set (already released, or from"
                + " elsewhere); pass a table returned by oldestImmutable()";
    }

    // ------------------------------------------------------------------ durability and closing

    /**
     * Returns once every write accepted (returned) before this call is on stable storage: syncs
     * the log of every table. Does nothing durable for a set without a WAL directory.
     *
     * @throws IOException if a log failed (a failed log stays failed)
     * @throws IllegalStateException if the set is closed
     */
    public void sync() throws IOException {
        checkOpen();
        for (TableSlot t : state.newestFirst) {
            int token = t.pin();
            if (token < 0) {
                continue; // released: its writes are durable in the engine's own files
            }
            try {
                t.table.syncWal();
            } finally {
                t.unpin(token);
            }
        }
    }

    /**
     * Closes the set: refuses new calls, waits for the writes in flight, then closes every table,
     * which syncs and closes its log (the files stay: nothing is flushed; the next build recovers
     * them), and unlocks the WAL directory. Idempotent.
     *
     * @throws IOException if a table's final sync or close failed (the others are closed anyway;
     *     further failures are attached as suppressed)
     */
    @Override
    public void close() throws IOException {
        State last;
        freezeLock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            last = state;
            roomOrClosed.signalAll();
        } finally {
            freezeLock.unlock();
        }
        last.mutable.sealAndDrainWriters();
        List<TableSlot> all = new ArrayList<>(List.of(last.newestFirst));
        all.addAll(retiring);
        Throwable failure = null;
        for (TableSlot t : all) {
            try {
                t.close();
            } catch (IOException | RuntimeException e) {
                failure = addTo(failure, e);
            }
        }
        retiring.clear();
        if (walDir != null) {
            try {
                walDir.close();
            } catch (IOException | RuntimeException e) {
                failure = addTo(failure, e);
            }
        }
        rethrow(failure);
    }

    /** Returns true once {@link #close()} was called. */
    public boolean isClosed() {
        return closed;
    }

    @Override
    public String toString() {
        State s = state;
        List<Long> ids = new ArrayList<>();
        for (TableSlot t : s.immutables) {
            ids.add(t.id());
        }
        return "MemTableSet[backend=" + backend.name() + ", mutable=" + s.mutable.id()
                + ", immutables=" + ids + ", freezeAtBytes=" + freezeAtBytes
                + (walDir != null ? ", wal=" + walDir.path() : "") + (closed ? ", closed" : "")
                + "]";
    }

    // ------------------------------------------------------------------ tables

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("memtable set is closed");
        }
    }

    /** Creates the next table (freeze lock held, or during construction). */
    private TableSlot newTable() {
        long id = nextId;
        Path file = walDir == null ? null : walDir.fileOf(id);
        MemTable table;
        try {
            table = file == null ? backend.create(id)
                    : backend.createWithWal(id, file, walOptions);
        } catch (IOException e) {
            nextId = id + 1; // the file may exist now: never try the same name twice
            throw new UncheckedIOException("could not create the write-ahead log " + file
                    + " of memtable " + id, e);
        }
        nextId = id + 1;
        return slot(table, id, file);
    }

    private TableSlot slot(MemTable table, long id, Path file) {
        if (table.id() != id) {
            IllegalStateException e = new IllegalStateException("backend " + backend.name()
                    + " returned a table with id " + table.id() + " when asked for id " + id);
            closeQuietly(table, e);
            throw e;
        }
        return new TableSlot(table, file, retiring::remove);
    }

    private static void closeQuietly(MemTable table, Throwable cause) {
        try {
            table.close();
        } catch (IOException | RuntimeException e) {
            cause.addSuppressed(e);
        }
    }

    private static Throwable addTo(Throwable failure, Throwable e) {
        if (failure == null) {
            return e;
        }
        failure.addSuppressed(e);
        return failure;
    }

    private static void rethrow(Throwable failure) throws IOException {
        if (failure instanceof IOException) {
            throw (IOException) failure;
        }
        if (failure instanceof RuntimeException) {
            throw (RuntimeException) failure;
        }
    }

    /** Opens the set: recovers the WAL directory, if any, and creates the mutable table. */
    private static MemTableSet open(Builder b) throws IOException {
        WalDirectory dir = b.walDirectory == null ? null : WalDirectory.open(b.walDirectory);
        MemTableSet set = new MemTableSet(b, dir);
        List<TableSlot> recovered = new ArrayList<>();
        try {
            long nextId = 1;
            if (dir != null) {
                for (WalDirectory.WalFile f : dir.list()) {
                    if (f.id() == Long.MAX_VALUE) {
                        throw new IOException("WAL " + f.path() + " has the largest possible id;"
                                + " no id is left for a new table");
                    }
                    nextId = Math.max(nextId, f.id() + 1);
                    MemTable table = b.backend.recoverFromWal(f.id(), f.path(), set.walOptions);
                    if (table.isEmpty()) {
                        // Nothing to flush: a table that took no write before the restart.
                        table.close();
                        Files.delete(f.path());
                        continue;
                    }
                    TableSlot slot = set.slot(table, f.id(), f.path());
                    slot.sealAndDrainWriters(); // immutable from the start: nobody writes it
                    recovered.add(slot);
                }
            }
            set.nextId = nextId;
            Collections.reverse(recovered);
            TableSlot mutable;
            try {
                mutable = set.newTable();
            } catch (UncheckedIOException e) {
                throw new IOException(e.getMessage(), e.getCause());
            }
            set.state = new State(mutable, recovered);
            return set;
        } catch (IOException | RuntimeException e) {
            for (TableSlot t : recovered) {
                try {
                    t.close();
                } catch (IOException | RuntimeException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            if (dir != null) {
                try {
                    dir.close();
                } catch (IOException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e;
        }
    }

    // ------------------------------------------------------------------ builder

    /**
     * Configures and opens a {@link MemTableSet}. Every setter checks its argument at once (a
     * rejected call leaves the builder as it was); {@link #build()} checks the combination. Not
     * thread-safe; a builder may build several sets (on different WAL directories).
     */
    public static final class Builder {
        private MemTableProvider backend;
        private long freezeAtBytes = DEFAULT_FREEZE_AT_BYTES;
        private Path walDirectory;
        private WalOptions walOptions;
        private int maxImmutables = Integer.MAX_VALUE;
        private Duration stallTimeout = DEFAULT_STALL_TIMEOUT;

        private Builder() {
        }

        /**
         * The backend that creates the tables. Required.
         *
         * @throws NullPointerException if {@code provider} is null
         */
        public Builder backend(MemTableProvider provider) {
            this.backend = Objects.requireNonNull(provider, "provider");
            return this;
        }

        /**
         * The size at which the mutable table is frozen: when a write leaves its
         * {@link MemTable#approximateSize()} at or above this. Default
         * {@link MemTableSet#DEFAULT_FREEZE_AT_BYTES}.
         *
         * @throws IllegalArgumentException if {@code bytes} is not positive
         */
        public Builder freezeAtBytes(long bytes) {
            if (bytes <= 0) {
                throw new IllegalArgumentException("freezeAtBytes must be positive, got " + bytes);
            }
            this.freezeAtBytes = bytes;
            return this;
        }

        /**
         * Makes the set durable: one write-ahead log per table in {@code directory} (created if
         * missing), recovered by {@link #build()}. The backend must declare
         * {@link Capability#WAL}. Default: none, the set lives in memory only.
         *
         * @throws NullPointerException if {@code directory} is null
         */
        public Builder walDirectory(Path directory) {
            this.walDirectory = Objects.requireNonNull(directory, "directory");
            return this;
        }

        /**
         * How the tables use their logs (sync policy, recovery mode); needs
         * {@link #walDirectory(Path)}. Default {@link WalOptions#defaults()}.
         *
         * @throws NullPointerException if {@code options} is null
         */
        public Builder walOptions(WalOptions options) {
            this.walOptions = Objects.requireNonNull(options, "options");
            return this;
        }

        /**
         * The most immutable tables the set holds; a write that needs a freeze beyond it stalls
         * until {@link MemTableSet#flushed(MemTable)} releases one. Default: no limit. A build that
         * recovers more tables than this opens anyway, and writes that need a freeze stall until
         * enough are released.
         *
         * @throws IllegalArgumentException if {@code count} is less than 1
         */
        public Builder maxImmutables(int count) {
            if (count < 1) {
                throw new IllegalArgumentException("maxImmutables must be at least 1, got "
                        + count);
            }
            this.maxImmutables = count;
            return this;
        }

        /**
         * How long a stalled write waits for a release before it fails with
         * {@link WriteStallException}. Default {@link MemTableSet#DEFAULT_STALL_TIMEOUT}.
         *
         * @throws NullPointerException if {@code timeout} is null
         * @throws IllegalArgumentException if {@code timeout} is zero or negative
         */
        public Builder stallTimeout(Duration timeout) {
            Objects.requireNonNull(timeout, "timeout");
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("stallTimeout must be positive, got "
                        + timeout);
            }
            this.stallTimeout = timeout;
            return this;
        }

        /**
         * Opens the set: with a WAL directory, locks it and recovers every log in it into
         * immutable tables, newest first; then creates the mutable table with an id above every
         * id found.
         *
         * @throws IllegalStateException if no backend was set, {@code walOptions} was set without
         *     a WAL directory, or the backend lacks {@link Capability#WAL} for a WAL directory
         * @throws IOException if the directory cannot be created, read or locked (another set
         *     has it open), holds a {@code .wal} file not named by a 20-digit id, or a log cannot
         *     be recovered ({@link WalCorruptionException} names the file and offset); nothing is
         *     left open
         */
        public MemTableSet build() throws IOException {
            if (backend == null) {
                throw new IllegalStateException("no backend set: call backend(...), e.g. with"
                        + " MemTables.defaultProvider() or MemTables.provider(name), before build()");
            }
            if (walDirectory == null && walOptions != null) {
                throw new IllegalStateException("walOptions(...) was set but no walDirectory(...):"
                        + " a set without a WAL directory has no logs to configure");
            }
            if (walDirectory != null && !backend.capabilities().contains(Capability.WAL)) {
                throw new IllegalStateException("backend " + backend.name() + " does not support"
                        + " write-ahead logs (it does not declare Capability.WAL), so it cannot"
                        + " use walDirectory " + walDirectory);
            }
            return open(this);
        }
    }
}
