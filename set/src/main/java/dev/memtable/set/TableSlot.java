package dev.memtable.set;

import dev.memtable.MemTable;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One table of a {@link MemTableSet} with the bookkeeping the set needs around it: a writer gate
 * (a freeze shuts it and waits for the writers still inside, then seals the table), a reader gate
 * (a release shuts it, and the table is closed when its last reader leaves), and the freeze
 * flags. The gates are {@link StripedGate}s; {@link TableRotation} describes the protocol they
 * serve. A sealed table holds no writer gate, no open log and no write locks.
 */
final class TableSlot implements Closeable {

    private static final System.Logger LOG = System.getLogger(MemTableSet.class.getName());

    final MemTable table;
    /** The read-only view handed to users; {@link MemTableSet#flushed} matches it by identity. */
    final MemTable view;
    /** The table's log file, or null without a WAL directory. */
    final Path walFile;

    private final CountDownLatch writersDrained = new CountDownLatch(1);
    private final CountDownLatch sealed = new CountDownLatch(1);
    /** Null once the writers have drained (or for a table recovered sealed). */
    private volatile StripedGate writers;
    private final StripedGate readers;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicBoolean freezeClaimed = new AtomicBoolean();
    private final AtomicBoolean sealClaimed = new AtomicBoolean();
    /** Set when a write took the table to the freeze size: writers then wait for its freeze. */
    private volatile boolean full;
    /**
     * The highest sequence a write into this table may carry, fixed when its writers are shut;
     * {@code -1} before. See {@link #accepts(long)}.
     */
    private volatile long lastSequenceAllowed = -1;

    /**
     * A slot for a table that takes writes.
     *
     * @param walFile the table's log file, or null for a table in memory only
     */
    TableSlot(MemTable table, Path walFile) {
        this(table, walFile, false);
    }

    private TableSlot(MemTable table, Path walFile, boolean isSealed) {
        this.table = table;
        this.view = new TableView(table);
        this.walFile = walFile;
        this.readers = new StripedGate(this::closeQuietly);
        if (isSealed) {
            writersDrained.countDown();
            sealed.countDown();
            sealClaimed.set(true);
        } else {
            writers = new StripedGate(writersDrained::countDown);
        }
    }

    /** A slot for a table already sealed ({@link MemTable#seal()}): immutable from the start. */
    static TableSlot sealed(MemTable table, Path walFile) {
        return new TableSlot(table, walFile, true);
    }

    long id() {
        return table.id();
    }

    // ---------------------------------------------------------------- writers

    /** Enters as a writer; -1 if the table is frozen (read the set's state again). */
    int enterWrite() {
        StripedGate g = writers;
        return g == null ? -1 : g.tryEnter();
    }

    /** Leaves after {@link #enterWrite()}; the gate is still there (it drains only after this). */
    void exitWrite(int token) {
        writers.exit(token);
    }

    /**
     * Stops new writers from entering, then fixes the highest sequence the writers inside may
     * still write at: {@code sequences.taken()} read after the shut. Those inside finish. Once
     * only; later calls do nothing.
     */
    synchronized void shutWriters(Sequencer sequences) {
        StripedGate g = writers;
        if (g != null && lastSequenceAllowed < 0) {
            g.shut();
            lastSequenceAllowed = sequences.taken();
        }
    }

    /**
     * Returns true if a writer inside this table may write at {@code sequence}, which it took
     * after entering. It may unless the table's writers were shut and the sequence was taken
     * after the shut: then the writer must give the sequence up and write into the next table,
     * so that every sequence in an older table is below every sequence in a newer one (reads stop
     * at the newest table that knows a key). Why the test is exact: the writer took its sequence
     * (a volatile increment) before it read the gate's flag (volatile); if it read "open", its
     * increment precedes the shut, which precedes the read of {@code taken()} that fixed the
     * limit, so the sequence is within it.
     */
    boolean accepts(long sequence) {
        StripedGate g = writers;
        if (g != null && !g.isShut()) {
            return true;
        }
        long limit;
        while ((limit = lastSequenceAllowed) < 0) {
            Thread.onSpinWait(); // the shutting thread sets it right after the shut
        }
        return sequence <= limit;
    }

    /** Stops new writers (as {@link #shutWriters}) and waits for those inside to leave. */
    void drainWriters(Sequencer sequences) {
        shutWriters(sequences);
        awaitUninterruptibly(writersDrained);
    }

    /**
     * Waits for the writers still inside (a freeze has shut them out), then seals the table (once): afterwards
     * the table is final and holds no open log and no write locks. A seal that fails is logged;
     * the table keeps reporting it from {@link MemTable#syncWal()}.
     */
    void drainAndSeal() {
        awaitUninterruptibly(writersDrained); // a freeze shut the writers already
        writers = null;
        if (sealClaimed.compareAndSet(false, true)) {
            try {
                table.seal();
            } catch (IOException | RuntimeException e) {
                if (!closed.get()) {
                    LOG.log(System.Logger.Level.WARNING, "sealing frozen memtable " + id()
                            + " failed; its writes stay readable, and sync() reports the failure"
                            + " until the table is flushed", e);
                }
            } finally {
                sealed.countDown();
            }
        }
        awaitSealed();
    }

    /** Waits until a freeze has drained and sealed this table (returns at once if it has). */
    void awaitSealed() {
        awaitUninterruptibly(sealed);
    }

    /** Returns true for the one caller that may freeze this table after it grew too large. */
    boolean claimFreeze() {
        return freezeClaimed.compareAndSet(false, true);
    }

    boolean isFull() {
        return full;
    }

    void markFull() {
        full = true;
    }

    /** Waits for {@code latch}; the waits are bounded by writes in flight, so finish them. */
    private static void awaitUninterruptibly(CountDownLatch latch) {
        boolean interrupted = false;
        while (true) {
            try {
                latch.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    // ---------------------------------------------------------------- readers

    /** Pins the table open for a read; -1 if it was released (read the set's state again). */
    int pin() {
        return readers.tryEnter();
    }

    void unpin(int token) {
        readers.exit(token);
    }

    /** Marks the table released: it closes as soon as no reader holds it (maybe right now). */
    void release() {
        readers.shut();
    }

    boolean isReleased() {
        return readers.isShut();
    }

    // ---------------------------------------------------------------- closing

    /** Returns true once the table was closed. */
    boolean isClosed() {
        return closed.get();
    }

    /** Closes the table once; later calls do nothing. */
    @Override
    public void close() throws IOException {
        if (closed.compareAndSet(false, true)) {
            table.close();
        }
    }

    private void closeQuietly() {
        try {
            close();
        } catch (IOException | RuntimeException e) {
            // The table's data is durable elsewhere (it was released after a flush) and its log
            // file is already deleted: a failed close loses nothing, but deserves a trace.
            LOG.log(System.Logger.Level.WARNING, "closing released memtable " + id() + " failed", e);
        }
    }

    @Override
    public String toString() {
        return "memtable " + id();
    }
}
