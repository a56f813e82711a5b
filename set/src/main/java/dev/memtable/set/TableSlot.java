package dev.memtable.set;

import dev.memtable.MemTable;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One table of a {@link MemTableSet} with the bookkeeping the set needs around it: a writer gate
 * (a freeze shuts it and waits for the writers still inside), a reader gate (a release shuts it,
 * and the table is closed when its last reader leaves), and the freeze flags. The gates are
 * {@link StripedGate}s; {@link TableRotation} describes the protocol they serve.
 */
final class TableSlot implements Closeable {

    private static final System.Logger LOG = System.getLogger(MemTableSet.class.getName());

    final MemTable table;
    /** The read-only view handed to users; {@link MemTableSet#flushed} matches it by identity. */
    final MemTable view;
    /** The table's log file, or null without a WAL directory. */
    final Path walFile;

    private final CountDownLatch writersDrained = new CountDownLatch(1);
    private final StripedGate writers = new StripedGate(writersDrained::countDown);
    private final StripedGate readers;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicBoolean freezeClaimed = new AtomicBoolean();
    /**
     * Set when the table reached the freeze size but could not be frozen yet (no room, or the new
     * table could not be created): the next writer must get it frozen before writing.
     */
    private volatile boolean full;

    /**
     * @param walFile the table's log file, or null for a table in memory only
     */
    TableSlot(MemTable table, Path walFile) {
        this.table = table;
        this.view = new TableView(table);
        this.walFile = walFile;
        this.readers = new StripedGate(this::closeQuietly);
    }

    long id() {
        return table.id();
    }

    // ---------------------------------------------------------------- writers

    /** Enters as a writer; -1 if the table is frozen (read the set's state again). */
    int enterWrite() {
        return writers.tryEnter();
    }

    void exitWrite(int token) {
        writers.exit(token);
    }

    /** Stops new writers and waits for those inside to leave; afterwards the table is final. */
    void sealAndDrainWriters() {
        writers.shut();
        awaitSealed();
    }

    /** Waits until a freeze has drained this table's writers (returns at once if it has). */
    void awaitSealed() {
        boolean interrupted = false;
        while (true) {
            try {
                writersDrained.await();
                break;
            } catch (InterruptedException e) {
                // The wait is bounded by the duration of the writes in flight; finish it.
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
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
