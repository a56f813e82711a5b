package dev.memtable.set;

import dev.memtable.MemTable;
import dev.memtable.WalOptions;
import dev.memtable.internal.Closeables;
import dev.memtable.spi.MemTableProvider;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Where the new tables of a {@link MemTableSet} come from, and where released ones go. Every new
 * table gets the next id (ids only rise); with a {@link WalDirectory} it gets a new log file named
 * by its id, and a released table's log is deleted. {@link TableRotation} calls it under its
 * freeze lock; the methods are synchronized as well, so ids are handed out once each.
 */
final class TableSource implements Closeable {

    private final MemTableProvider backend;
    /** Null for a set in memory only. */
    private final WalDirectory dir;
    private final WalOptions options;
    /** The id of the next table. Guarded by this. */
    private long nextId;

    /**
     * @param backend the backend, already bound to the directory's log implementation
     * @param dir the WAL directory, or null for tables in memory only
     * @param options how the tables use their logs (ignored without a directory)
     * @param firstId the id of the first table this source creates
     */
    TableSource(MemTableProvider backend, WalDirectory dir, WalOptions options, long firstId) {
        this.backend = backend;
        this.dir = dir;
        this.options = options;
        this.nextId = firstId;
    }

    /**
     * Creates the next table. Its id is used up even if this fails (a log file may exist).
     *
     * @throws IOException naming the log file and the cause if it could not be created
     */
    synchronized TableSlot next() throws IOException {
        long id = nextId;
        nextId = id + 1;
        Path file = dir == null ? null : dir.fileOf(id);
        MemTable table;
        try {
            table = file == null ? backend.create(id) : backend.createWithWal(id, file, options);
        } catch (IOException e) {
            throw new IOException("could not create the write-ahead log " + file + " of memtable "
                    + id, e);
        }
        return slot(backend, table, id, file);
    }

    /** Wraps a table of {@code backend}, checking that it has the id it was asked for. */
    static TableSlot slot(MemTableProvider backend, MemTable table, long id, Path file) {
        if (table.id() != id) {
            IllegalStateException e = new IllegalStateException("backend " + backend.name()
                    + " returned a table with id " + table.id() + " when asked for id " + id);
            Closeables.closeQuietly(table, e);
            throw e;
        }
        return new TableSlot(table, file);
    }

    /**
     * Deletes the log of a released table, durably; nothing without a directory.
     *
     * @throws IOException naming the file and the cause
     */
    void retire(TableSlot slot) throws IOException {
        if (dir != null) {
            dir.delete(slot.walFile);
        }
    }

    /** Returns the WAL directory, or null. */
    WalDirectory directory() {
        return dir;
    }

    /** Unlocks the WAL directory, if any. */
    @Override
    public void close() throws IOException {
        if (dir != null) {
            dir.close();
        }
    }
}
