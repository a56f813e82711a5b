package dev.memtable.set;

import dev.memtable.internal.IoErrors;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The stopped state of a {@link TableRotation}'s writes. A log that fails (disk full, file too
 * large, a failed fsync) stays failed, so once the mutable table's log has failed, no later write
 * could succeed there. As RocksDB stops writes on a background error and offers a resume, the set
 * then stops writes: every write and freeze throws an {@link UncheckedIOException} that names the
 * failed log and the cause and says to call {@code resume()}; reads go on. {@code resume()}
 * freezes the failed table onto a new log (the table stays readable and flushable: the writes it
 * acknowledged are intact in memory) and clears the stop.
 *
 * <p>Set and cleared under the rotation's freeze lock; read without it.
 */
final class WriteStop {

    private static final System.Logger LOG = System.getLogger(MemTableSet.class.getName());

    /** The table whose log failed, and how. */
    private record Failure(TableSlot table, UncheckedIOException error) {
    }

    private final TableRotation rotation;
    private volatile Failure failure;

    WriteStop(TableRotation rotation) {
        this.rotation = rotation;
    }

    /**
     * Reports that the log of {@code table} refused a write or a sync: stops writes if it is the
     * mutable table's log. Returns the exception for the caller to throw: the "writes are
     * stopped" one if writes stopped because of this table, else {@code error} itself.
     */
    UncheckedIOException logFailed(TableSlot table, UncheckedIOException error) {
        ReentrantLock lock = rotation.freezeLock();
        lock.lock();
        try {
            if (failure == null && !rotation.isClosed() && rotation.tables().mutable == table) {
                failure = new Failure(table, error);
                LOG.log(System.Logger.Level.ERROR, stopped(failure).getMessage(), error);
            }
        } finally {
            lock.unlock();
        }
        Failure f = failure;
        return f != null && f.table == table ? stopped(f) : error;
    }

    /** @throws UncheckedIOException if writes are stopped */
    void check() {
        Failure f = failure;
        if (f != null) {
            throw stopped(f);
        }
    }

    boolean isStopped() {
        return failure != null;
    }

    /** Returns the table whose log failed, or null if writes are not stopped. */
    TableSlot failedTable() {
        Failure f = failure;
        return f == null ? null : f.table;
    }

    /** Lets writes continue (freeze lock held, the failed table frozen). */
    void clear() {
        failure = null;
    }

    private static UncheckedIOException stopped(Failure f) {
        Throwable root = f.error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        IOException cause = f.error.getCause();
        return new UncheckedIOException("writes are stopped: the write-ahead log "
                + f.table.walFile + " of memtable " + f.table.id() + " failed ("
                + IoErrors.describe(root) + "). The writes it acknowledged are intact and"
                + " readable; call resume() to freeze that table and continue writing on a new"
                + " log.", cause);
    }
}
