package dev.memtable.set;

import dev.memtable.MemTable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The rotation of a {@link MemTableSet}'s tables: which tables are in use (a {@link Tables}
 * snapshot), the write path into the mutable table, freezing it, stalling while the set holds
 * {@code maxImmutables} immutable tables ({@link Backpressure}), releasing flushed tables, and
 * closing. New tables come from a {@link TableSource}; a failed log stops writes
 * ({@link WriteStop}). The facade adds argument checks, reads and durability on top.
 *
 * <h2>The freeze protocol</h2>
 * <ul>
 *   <li><b>Writers do not share a lock.</b> A writer reads the snapshot, enters the mutable
 *       table's <em>writer gate</em> ({@link TableSlot#enterWrite()}, a {@link StripedGate}),
 *       writes, and leaves. The snapshot is replaced copy-on-write under the <em>freeze lock</em>,
 *       which only freezes, releases and {@code close} take.</li>
 *   <li><b>A freeze</b> (lock held, room for one more immutable table) takes the next table
 *       from the source (prepared ahead: no fsync while the lock is held), installs the snapshot
 *       in which it is mutable and the old mutable table the newest immutable one, and shuts the
 *       old table's gate. Then, without the lock, the freezing thread has the source prepare the
 *       table after the new one, waits until the writers inside the old table have left, and
 *       seals it ({@link TableSlot#drainAndSeal()}). A writer that finds the gate shut reads the
 *       new snapshot and writes there. So no write lands in a table after its freeze returned,
 *       and {@link #oldestImmutable()} hands out a table only once it is sealed: a table given to
 *       a flush is final and holds no open log.</li>
 *   <li><b>Who freezes.</b> The writer whose write takes the table to {@code freezeAtBytes}
 *       marks it full at once, so writers arriving later wait for its freeze instead of
 *       overfilling it (a table exceeds the size by at most the writes in flight), and claims the
 *       freeze ({@link TableSlot#claimFreeze()}: exactly one thread per table). It freezes that
 *       table, never another, so a just-installed empty table is never frozen. If it cannot (no
 *       room, or the source fails), the next writer freezes the full table before writing,
 *       stalling for room as long as the stall timeout allows.</li>
 *   <li><b>Readers never miss a table:</b> a table being frozen is in both snapshots (mutable in
 *       the old, newest immutable in the new).</li>
 *   <li><b>Release and close.</b> A release drops the oldest immutable table from the snapshot
 *       (after the source has deleted its log) and shuts its reader gate: the table is closed by
 *       its last reader. Stalled writers wait on the freeze lock's condition and wake on every
 *       release and on close. Close refuses new calls, waits for the writes in flight, then
 *       closes every table.</li>
 * </ul>
 * For a backend without concurrent writes, one extra lock serialises every write.
 *
 * <p>Thread-safe.
 */
final class TableRotation {

    private static final System.Logger LOG = System.getLogger(MemTableSet.class.getName());

    /** One write into a table at a sequence: a put, a delete or a batch. */
    interface TableWrite {
        void applyTo(MemTable table, long sequence);
    }

    private final TableSource source;
    private final long freezeAtBytes;
    private final Backpressure room;
    /** Serialises writes for a backend without concurrent writes; else null. */
    private final Lock serialWrites;

    private final ReentrantLock freezeLock = new ReentrantLock();
    /** Released tables, still open while readers pin them; closed with the set if still open. */
    private final Set<TableSlot> retiring = ConcurrentHashMap.newKeySet();

    private final WriteStop stop = new WriteStop(this);
    private final Sequencer sequences;
    private volatile Tables tables;
    private volatile boolean closed;

    /**
     * @param initial the tables to start with (its mutable table is written next)
     * @param serialWrites true if the backend cannot take concurrent writes
     */
    TableRotation(TableSource source, Tables initial, long freezeAtBytes, int maxImmutables,
                  Duration stallTimeout, boolean serialWrites) {
        this(source, initial, freezeAtBytes, maxImmutables, stallTimeout, serialWrites,
                new Sequencer(initial.lastSequence()));
    }

    /** As above, with the sequencer given (tests pass one that pauses). */
    TableRotation(TableSource source, Tables initial, long freezeAtBytes, int maxImmutables,
                  Duration stallTimeout, boolean serialWrites, Sequencer sequences) {
        this.source = source;
        this.tables = initial;
        this.freezeAtBytes = freezeAtBytes;
        this.room = new Backpressure(maxImmutables, stallTimeout, freezeLock.newCondition());
        this.serialWrites = serialWrites ? new ReentrantLock() : null;
        this.sequences = sequences;
    }

    /** Returns the set's sequence numbers. */
    Sequencer sequences() {
        return sequences;
    }

    /** Returns the freeze lock, which {@link WriteStop} shares. */
    ReentrantLock freezeLock() {
        return freezeLock;
    }

    /** Returns the tables in use now. */
    Tables tables() {
        return tables;
    }

    boolean isClosed() {
        return closed;
    }

    /** @throws IllegalStateException if the set is closed */
    void checkOpen() {
        if (closed) {
            throw new IllegalStateException("memtable set is closed");
        }
    }

    // ------------------------------------------------------------------ writes

    /**
     * Applies {@code op} to the mutable table at a new sequence, waits until the sequence is
     * published, then freezes the table if the write filled it. The sequence is taken inside the
     * table's writer gate and given up if the table was frozen meanwhile
     * ({@link TableSlot#accepts}), so sequences rise from older tables to newer ones.
     *
     * @throws IllegalStateException if the set is closed
     * @throws WriteStallException if the table needed a freeze and there was no room for the
     *     stall timeout (not applied)
     * @throws UncheckedIOException if writes are stopped (a log failed: not applied), or a
     *     pending freeze could not create the next table (not applied)
     */
    void write(TableWrite op) {
        while (true) {
            checkWritable();
            TableSlot m = tables.mutable;
            if (m.isFull()) {
                freezeBeforeWrite(m);
                continue;
            }
            int token = m.enterWrite();
            if (token < 0) {
                Thread.onSpinWait(); // frozen since we read the snapshot; the new one is coming
                continue;
            }
            long sequence;
            try {
                sequence = sequences.next();
            } catch (RuntimeException | Error e) {
                m.exitWrite(token); // every sequence used up: leave, or a freeze waits forever
                throw e;
            }
            if (!m.accepts(sequence)) {
                m.exitWrite(token); // taken after the freeze: give it up, write into the next
                sequences.finish(sequence);
                continue;
            }
            long size = 0;
            UncheckedIOException logFailed = null;
            try {
                if (serialWrites != null) {
                    serialWrites.lock();
                }
                try {
                    op.applyTo(m.table, sequence);
                    size = m.table.approximateSize();
                } finally {
                    if (serialWrites != null) {
                        serialWrites.unlock();
                    }
                }
            } catch (UncheckedIOException e) {
                logFailed = e; // only a log refuses a write this way
            } finally {
                m.exitWrite(token);
                sequences.finish(sequence); // applied or not: publication must not stop here
            }
            if (logFailed != null) {
                throw stop.logFailed(m, logFailed);
            }
            sequences.awaitPublished(sequence); // so a read that starts now sees this write
            if (size >= freezeAtBytes) {
                m.markFull(); // writers arriving now wait for the freeze instead of overfilling
                if (m.claimFreeze()) {
                    freezeAfterWrite(m);
                }
            }
            return;
        }
    }

    /**
     * Freezes {@code m}, which this thread's applied write filled, if there is room. Never throws:
     * the write is done, so a freeze that cannot happen now is left to the next writer.
     */
    private void freezeAfterWrite(TableSlot m) {
        TableSlot frozen = null;
        freezeLock.lock();
        try {
            if (closed || tables.mutable != m || stop.isStopped()
                    || !room.hasRoom(tables)) {
                return;
            }
            frozen = doFreeze(m);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "freezing memtable " + m.id() + " failed; the"
                    + " next write retries the freeze and reports the error", e);
        } finally {
            freezeLock.unlock();
        }
        afterFreeze(frozen);
    }

    /** Gets the full table {@code m} frozen before writing, stalling while there is no room. */
    private void freezeBeforeWrite(TableSlot m) {
        long start = System.nanoTime();
        TableSlot frozen;
        freezeLock.lock();
        try {
            while (true) {
                checkWritable();
                if (tables.mutable != m) {
                    return;
                }
                if (room.hasRoom(tables)) {
                    frozen = doFreeze(m);
                    break;
                }
                room.await(start, tables);
            }
        } finally {
            freezeLock.unlock();
        }
        afterFreeze(frozen);
    }

    /**
     * Freezes the mutable table now, even below the freeze size; nothing if it is empty. Stalls
     * like a write while there is no room.
     *
     * @return true if this call froze a table
     * @throws IllegalStateException if the set is closed
     * @throws WriteStallException if there was no room for the stall timeout (nothing changed)
     * @throws UncheckedIOException if writes are stopped, or the next table could not be
     *     created (nothing changed)
     */
    boolean freeze() {
        long start = System.nanoTime();
        TableSlot frozen;
        freezeLock.lock();
        try {
            checkWritable();
            TableSlot m = tables.mutable;
            while (true) {
                if (tables.mutable != m || m.table.isEmpty()) {
                    return false;
                }
                if (room.hasRoom(tables)) {
                    frozen = doFreeze(m);
                    break;
                }
                room.await(start, tables);
                checkWritable();
            }
        } finally {
            freezeLock.unlock();
        }
        afterFreeze(frozen);
        return true;
    }

    /**
     * Lets writes continue after a log failure stopped them: freezes the table whose log failed
     * (it stays readable and flushable) onto a new table with a new log. Stalls like a freeze
     * while there is no room.
     *
     * @return false if writes were not stopped
     * @throws IllegalStateException if the set is closed
     * @throws WriteStallException if there was no room for the stall timeout (writes stay stopped)
     * @throws UncheckedIOException if the new table could not be created (writes stay stopped)
     */
    /** Returns true while writes are stopped by a failed log. */
    boolean writesStopped() {
        return stop.isStopped();
    }

    boolean resume() {
        long start = System.nanoTime();
        TableSlot frozen;
        freezeLock.lock();
        try {
            checkOpen();
            TableSlot failed = stop.failedTable();
            if (failed == null) {
                return false;
            }
            while (!room.hasRoom(tables)) {
                room.await(start, tables);
                checkOpen();
            }
            try {
                frozen = doFreeze(failed);
            } catch (UncheckedIOException e) {
                throw new UncheckedIOException(e.getMessage() + " Writes stay stopped.",
                        e.getCause());
            }
            stop.clear();
        } finally {
            freezeLock.unlock();
        }
        afterFreeze(frozen);
        return true;
    }

    /**
     * Shuts {@code m}'s writer gate (fixing the last sequence it takes), then installs a new
     * mutable table and makes {@code m} the newest immutable one. The shut comes first so that
     * every sequence taken in the new table is above every one written in {@code m}. Freeze lock
     * held; {@code m} is the mutable table and there is room. If the new table cannot be created
     * nothing changes. The caller then calls {@link #afterFreeze}.
     */
    private TableSlot doFreeze(TableSlot m) {
        TableSlot next;
        try {
            next = source.next();
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
        m.shutWriters(sequences);
        tables = tables.frozenInto(next);
        return m;
    }

    /**
     * After a freeze, outside the freeze lock: prepares the table after the new one, then waits
     * for the writers still in {@code frozen} and seals it. Nothing if {@code frozen} is null.
     */
    private void afterFreeze(TableSlot frozen) {
        if (frozen != null) {
            source.prepare();
            frozen.drainAndSeal();
        }
    }

    /** @throws IllegalStateException if closed; UncheckedIOException if writes are stopped */
    private void checkWritable() {
        checkOpen();
        stop.check();
    }

    // ------------------------------------------------------------------ flush hand-off

    /**
     * Returns the slot of {@code table}, an immutable table of this set (a view handed out by it),
     * once its writers are gone and every sequence it holds is published.
     *
     * @throws IllegalArgumentException if it is not one of the set's immutable tables now
     */
    TableSlot immutableSlot(MemTable table) {
        checkOpen();
        for (TableSlot t : tables.immutables) {
            if (t.view == table) {
                t.awaitSealed();
                sequences.awaitPublished(t.table.lastSequence());
                return t;
            }
        }
        throw new IllegalArgumentException("memtable " + table.id() + " is not an immutable table"
                + " of this set (the mutable table, one already released, or from elsewhere)");
    }

    /** Returns the oldest immutable table once its writers are gone, or empty if there is none. */
    Optional<MemTable> oldestImmutable() {
        checkOpen();
        TableSlot oldest = tables.oldest();
        if (oldest == null) {
            return Optional.empty();
        }
        oldest.awaitSealed();
        return Optional.of(oldest.view);
    }

    /**
     * Releases {@code table}, the oldest immutable table: the source deletes its log, the snapshot
     * drops it, stalled writers wake, and it is closed once no reader pins it.
     *
     * @throws IllegalArgumentException if it is not the oldest immutable table
     * @throws IllegalStateException if the set is closed
     * @throws IOException if its log could not be deleted; nothing changed
     */
    void release(MemTable table) throws IOException {
        TableSlot oldest;
        freezeLock.lock();
        try {
            checkOpen();
            Tables s = tables;
            oldest = s.oldest();
            if (oldest == null || oldest.view != table) {
                throw new IllegalArgumentException(s.notReleasable(table));
            }
            source.retire(oldest);
            retiring.removeIf(TableSlot::isClosed);
            retiring.add(oldest);
            tables = s.withoutOldest();
            room.wakeAll();
        } finally {
            freezeLock.unlock();
        }
        oldest.release();
    }

    // ------------------------------------------------------------------ durability and closing

    /**
     * Syncs the log of every table not released meanwhile. If the mutable table's log fails,
     * writes stop as if a write had found it failed.
     *
     * @throws IOException if a log failed
     */
    void sync() throws IOException {
        for (TableSlot t : tables.all()) {
            int token = t.pin();
            if (token < 0) {
                continue; // released: its writes are durable in the engine's own files
            }
            try {
                t.table.syncWal();
            } catch (IOException e) {
                stop.logFailed(t, new UncheckedIOException(e.getMessage(), e));
                throw e;
            } finally {
                t.unpin(token);
            }
        }
    }

    // ------------------------------------------------------------------ closing

    /**
     * Refuses new calls, waits for the writes in flight, closes every table (also released ones
     * still pinned by readers) and then the source. Idempotent.
     *
     * @throws IOException the first failure to close; later ones are suppressed in it
     */
    void close() throws IOException {
        Tables last;
        freezeLock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            last = tables;
            room.wakeAll();
        } finally {
            freezeLock.unlock();
        }
        last.mutable.drainWriters(sequences);
        List<AutoCloseable> all = new ArrayList<>(last.all());
        all.addAll(retiring);
        all.add(source);
        Throwable failure = null;
        for (AutoCloseable c : all) {
            try {
                c.close();
            } catch (Exception e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        retiring.clear();
        if (failure instanceof IOException io) {
            throw io;
        }
        if (failure instanceof RuntimeException r) {
            throw r;
        }
        if (failure != null) {
            throw new IOException(failure);
        }
    }

    @Override
    public String toString() {
        return tables + ", freezeAtBytes=" + freezeAtBytes + (closed ? ", closed" : "");
    }
}
