package dev.memtable.set;

import dev.memtable.MemTable;
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
 * Recovery of a WAL directory when a {@link MemTableSet} is built: every log in it, oldest first,
 * is replayed by the backend into a table ({@link MemTableProvider#recoverFromWal}); the tables
 * become the set's immutable tables, newest first, final from the start (their writer gates are
 * shut: nobody writes them). A log that recovers empty holds nothing to flush: its table is
 * closed and the log deleted. Recovery reports the id the set's next new table takes: above
 * every id found.
 *
 * <p>Not thread-safe: the builder runs it once, on a directory it has locked.
 */
final class DirectoryRecovery {

    /**
     * A set's tables when it opens, and where its next tables come from.
     *
     * @param source creates the next tables; owns the directory, if any
     * @param tables the mutable table (new) and the recovered tables, newest first
     */
    record Recovered(TableSource source, Tables tables) {
    }

    private DirectoryRecovery() {
    }

    /** Opens a set in memory only: a source of tables from id 1, and its first table. */
    static Recovered inMemory(MemTableProvider backend) throws IOException {
        TableSource source = new TableSource(backend, null, null, 1);
        return new Recovered(source, new Tables(source.next(), List.of()));
    }

    /**
     * Opens a set on the WAL directory {@code path}: locks it, recovers every log in it, and
     * creates the mutable table with an id above every id found. The backend is bound to
     * {@code logs}, which creates, recovers and deletes every log of the set.
     *
     * @throws IOException as for {@link MemTableSet.Builder#build()}; nothing is left open
     */
    static Recovered open(Path path, WalProvider logs, MemTableProvider backend,
                          WalOptions options) throws IOException {
        MemTableProvider bound = backend.withWalProvider(logs);
        WalDirectory dir = WalDirectory.open(path, logs);
        List<TableSlot> recovered = List.of();
        try {
            long[] nextId = new long[1];
            recovered = recover(dir, bound, options, nextId);
            TableSource source = new TableSource(bound, dir, options, nextId[0]);
            return new Recovered(source, new Tables(source.next(), recovered));
        } catch (IOException | RuntimeException e) {
            closeAll(recovered, e);
            Closeables.closeQuietly(dir, e);
            throw e;
        }
    }

    /**
     * Recovers every log of {@code dir}.
     *
     * @param backend the backend, bound to the directory's log implementation
     * @param nextId receives the id of the next new table
     * @return the recovered tables, newest first
     * @throws IOException if the directory cannot be read, holds a misnamed {@code .wal} entry,
     *     a log cannot be recovered, or the largest possible id is taken; every table recovered
     *     so far is closed again
     */
    private static List<TableSlot> recover(WalDirectory dir, MemTableProvider backend,
                                           WalOptions options, long[] nextId) throws IOException {
        List<TableSlot> recovered = new ArrayList<>();
        try {
            long next = 1;
            for (WalDirectory.WalFile f : dir.list()) {
                if (f.id() == Long.MAX_VALUE) {
                    throw new IOException("WAL " + f.path() + " has the largest possible id;"
                            + " no id is left for a new table");
                }
                next = Math.max(next, f.id() + 1);
                MemTable table = backend.recoverFromWal(f.id(), f.path(), options);
                if (table.isEmpty()) {
                    // Nothing to flush: a table that took no write before the restart.
                    table.close();
                    dir.delete(f.path());
                    continue;
                }
                TableSlot slot = TableSource.slot(backend, table, f.id(), f.path());
                slot.sealAndDrainWriters(); // immutable from the start: nobody writes it
                recovered.add(slot);
            }
            Collections.reverse(recovered);
            nextId[0] = next;
            return recovered;
        } catch (IOException | RuntimeException e) {
            closeAll(recovered, e);
            throw e;
        }
    }

    /** Closes {@code slots} because {@code cause} is being thrown; failures are suppressed in it. */
    static void closeAll(List<TableSlot> slots, Throwable cause) {
        for (TableSlot t : slots) {
            try {
                t.close();
            } catch (IOException | RuntimeException suppressed) {
                cause.addSuppressed(suppressed);
            }
        }
    }
}
