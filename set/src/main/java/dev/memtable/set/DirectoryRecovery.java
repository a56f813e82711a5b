package dev.memtable.set;

import dev.memtable.internal.IoErrors;
import dev.memtable.MemTable;
import dev.memtable.WalCorruptionException;
import dev.memtable.WalOptions;
import dev.memtable.internal.Closeables;
import dev.memtable.spi.MemTableProvider;
import dev.memtable.spi.WalProvider;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Opening a {@link MemTableSet}: in memory, or on a WAL directory, which is locked and whose logs
 * are recovered.
 *
 * <h2>Recovery</h2>
 * Every log, oldest first, is replayed by the backend into a table
 * ({@link MemTableProvider#recoverFromWal}) and sealed at once ({@link MemTable#seal()}): the
 * recovered tables are the set's immutable tables, newest first, and hold no open file and no
 * write locks. A log that recovers empty holds nothing to flush; it is deleted, except the
 * newest log of all, which becomes the mutable table again: that keeps the largest id on disk, so
 * ids rise across restarts even when every table was flushed and the next build fails. The newest
 * log also becomes the mutable table if it has the largest possible id, which leaves no id for a
 * new table; the set then opens, and the first freeze reports that no id is left. Otherwise the
 * mutable table is new, with the next id.
 *
 * <p>Not thread-safe: a builder runs it once, on a directory it has locked.
 */
final class DirectoryRecovery {

    /**
     * A set's tables when it opens, and where its next tables come from.
     *
     * @param source creates the next tables; owns the directory, if any
     * @param tables the mutable table and the recovered tables, newest first
     */
    record Recovered(TableSource source, Tables tables) {
    }

    private DirectoryRecovery() {
    }

    /** Opens a set in memory only: a source of tables from id 1, and its first table. */
    static Recovered inMemory(MemTableProvider backend) throws IOException {
        TableSource source = new TableSource(backend, null, null, 0);
        return new Recovered(source, new Tables(source.next(), List.of()));
    }

    /**
     * Opens a set on the WAL directory {@code path}: locks it and recovers every log in it. The
     * backend is bound to {@code logs}, which creates, recovers and deletes every log of the set.
     *
     * @throws IOException as for {@link MemTableSet.Builder#build()}, naming the file and the
     *     cause; nothing is left open
     */
    static Recovered open(Path path, WalProvider logs, MemTableProvider backend,
                          WalOptions options) throws IOException {
        MemTableProvider bound = backend.withWalProvider(logs);
        WalDirectory dir = WalDirectory.open(path, logs);
        List<TableSlot> recovered = new ArrayList<>();
        try {
            List<WalDirectory.WalFile> files = dir.list();
            TableSlot mutable = null;
            for (int i = 0; i < files.size(); i++) {
                WalDirectory.WalFile f = files.get(i);
                MemTable table = recover(bound, f, options);
                boolean newest = i == files.size() - 1;
                if (newest && (table.isEmpty() || f.id() == Long.MAX_VALUE)) {
                    TableSource.checkId(bound, table, f.id());
                    mutable = new TableSlot(table, f.path());
                } else if (table.isEmpty()) {
                    table.close(); // nothing to flush: a table that took no write
                    dir.delete(f.path());
                } else {
                    recovered.add(sealed(bound, table, f));
                }
            }
            Collections.reverse(recovered);
            long lastId = files.isEmpty() ? 0 : files.get(files.size() - 1).id();
            TableSource source = new TableSource(bound, dir, options, lastId);
            if (mutable == null) {
                mutable = source.next();
            }
            return new Recovered(source, new Tables(mutable, recovered));
        } catch (IOException | RuntimeException e) {
            closeAll(recovered, e);
            Closeables.closeQuietly(dir, e);
            throw e;
        }
    }

    /** Replays one log; a failure to read it names the file and the cause. */
    private static MemTable recover(MemTableProvider backend, WalDirectory.WalFile f,
                                    WalOptions options) throws IOException {
        try {
            return backend.recoverFromWal(f.id(), f.path(), options);
        } catch (WalCorruptionException e) {
            throw e; // names the file, the offset and the damage already
        } catch (IOException e) {
            throw new IOException("could not recover the write-ahead log " + f.path()
                    + " of memtable " + f.id() + ": " + IoErrors.describe(e), e);
        }
    }

    /** Seals a recovered table, so it keeps no log open and no write locks. */
    private static TableSlot sealed(MemTableProvider backend, MemTable table,
                                    WalDirectory.WalFile f) throws IOException {
        TableSource.checkId(backend, table, f.id());
        try {
            table.seal();
        } catch (IOException e) {
            IOException failed = new IOException("could not close the recovered write-ahead log "
                    + f.path() + " of memtable " + f.id() + ": " + IoErrors.describe(e), e);
            Closeables.closeQuietly(table, failed);
            throw failed;
        }
        return TableSlot.sealed(table, f.path());
    }

    /** Closes {@code slots} because {@code cause} is being thrown; failures are suppressed in it. */
    static void closeAll(List<TableSlot> slots, Throwable cause) {
        for (TableSlot t : slots) {
            Closeables.closeQuietly(t, cause);
        }
    }
}
