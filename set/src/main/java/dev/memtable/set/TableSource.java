package dev.memtable.set;

import dev.memtable.internal.IoErrors;
import dev.memtable.MemTable;
import dev.memtable.WalOptions;
import dev.memtable.internal.Closeables;
import dev.memtable.spi.MemTableProvider;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Where the new tables of a {@link MemTableSet} come from, and where released ones go. Every new
 * table gets the next id (ids only rise, and never wrap: after {@link Long#MAX_VALUE} there is no
 * next table); with a {@link WalDirectory} it gets a new log file named by its id, and a released
 * table's log is deleted durably.
 *
 * <h2>Prepared ahead</h2>
 * Creating a log costs two fsyncs (the file and its directory). So that a freeze does not pay
 * them while writers wait for it, {@link #prepare()} (called by the thread that just froze a
 * table, after the freeze) creates the next table and its log ahead of time, and {@link #next()}
 * hands it out. If none is ready, {@code next()} waits for one being prepared or creates one.
 * A prepared table that is never used stays as an empty log, the newest, which the next build
 * takes as its mutable table.
 *
 * <p>Thread-safe: ids and the prepared table are guarded by this object's monitor; a log is
 * created outside it only by {@code prepare}.
 */
final class TableSource implements Closeable {

    private static final System.Logger LOG = System.getLogger(MemTableSet.class.getName());

    private final MemTableProvider backend;
    /** Null for a set in memory only. */
    private final WalDirectory dir;
    private final WalOptions options;
    /** The id of the newest table handed out or prepared. Guarded by this. */
    private long lastId;
    private TableSlot prepared;
    private boolean preparing;
    private boolean closed;

    /**
     * @param backend the backend, already bound to the directory's log implementation
     * @param dir the WAL directory, or null for tables in memory only
     * @param options how the tables use their logs (ignored without a directory)
     * @param lastId the largest id in use; the first new table gets the next one
     */
    TableSource(MemTableProvider backend, WalDirectory dir, WalOptions options, long lastId) {
        this.backend = backend;
        this.dir = dir;
        this.options = options;
        this.lastId = lastId;
    }

    /**
     * Returns the next table: the prepared one, or a new one. An id is used up even if creating
     * the table fails (a log file may exist).
     *
     * @throws IOException naming the log file and the cause if it could not be created, or if no
     *     id is left
     */
    synchronized TableSlot next() throws IOException {
        awaitNotPreparing();
        if (prepared != null) {
            TableSlot t = prepared;
            prepared = null;
            return t;
        }
        return create(allocate());
    }

    /** Creates the next table ahead of time, if there is a log to create and none is ready. */
    void prepare() {
        long id;
        synchronized (this) {
            if (dir == null || closed || prepared != null || preparing || lastId == Long.MAX_VALUE) {
                return;
            }
            id = ++lastId;
            preparing = true;
        }
        TableSlot t = null;
        try {
            t = create(id);
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "preparing the next memtable failed; the next"
                    + " freeze creates one itself and reports the error", e);
        }
        synchronized (this) {
            preparing = false;
            if (closed && t != null) {
                closeQuietly(t);
                t = null;
            }
            prepared = t;
            notifyAll();
        }
    }

    private long allocate() throws IOException {
        if (lastId == Long.MAX_VALUE) {
            throw new IOException("no table id is left after " + Long.MAX_VALUE
                    + (dir != null ? " in WAL directory " + dir.path() : "") + ", so the mutable"
                    + " table cannot be frozen. Its writes are kept: readable, and recovered by the"
                    + " next build. Flush the immutable tables, then move the data to a set on a"
                    + " new WAL directory.");
        }
        return ++lastId;
    }

    private TableSlot create(long id) throws IOException {
        Path file = dir == null ? null : dir.fileOf(id);
        MemTable table;
        try {
            table = file == null ? backend.create(id) : backend.createWithWal(id, file, options);
        } catch (IOException e) {
            throw new IOException("could not create the write-ahead log " + file + " of memtable "
                    + id + ": " + IoErrors.describe(e), e);
        }
        checkId(backend, table, id);
        return new TableSlot(table, file);
    }

    /** Checks that a table of {@code backend} has the id it was asked for; closes it if not. */
    static void checkId(MemTableProvider backend, MemTable table, long id) {
        if (table.id() != id) {
            IllegalStateException e = new IllegalStateException("backend " + backend.name()
                    + " returned a table with id " + table.id() + " when asked for id " + id);
            Closeables.closeQuietly(table, e);
            throw e;
        }
    }

    /**
     * Deletes the log of a released table, durably; nothing without a directory.
     *
     * @throws IOException naming the file and the cause
     */
    void retire(TableSlot slot) throws IOException {
        if (dir != null) {
            try {
                dir.delete(slot.walFile);
            } catch (IOException e) {
                throw new IOException("could not delete the write-ahead log " + slot.walFile
                        + " of released memtable " + slot.id() + ": " + IoErrors.describe(e), e);
            }
        }
    }

    /**
     * Waits for a table being prepared, then closes the prepared table (its empty log stays, the
     * newest) and unlocks the WAL directory.
     */
    @Override
    public synchronized void close() throws IOException {
        closed = true;
        awaitNotPreparing();
        try {
            if (prepared != null) {
                prepared.close();
                prepared = null;
            }
        } finally {
            if (dir != null) {
                dir.close();
            }
        }
    }

    /** Waits (monitor held) while {@link #prepare()} creates a table: two fsyncs at most. */
    private void awaitNotPreparing() {
        boolean interrupted = false;
        while (preparing) {
            try {
                wait();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(TableSlot t) {
        try {
            t.close();
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "closing unused prepared " + t + " failed", e);
        }
    }
}
