package dev.memtable.spi;

import dev.memtable.MemTable;
import dev.memtable.MemTables;
import dev.memtable.WalOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * The base of a backend's provider: implement {@link #name()} and {@link #create(long)} (returning
 * an {@link AbstractMemTable}), and the write-ahead-log methods work, through the log
 * implementation that {@link MemTables#walProvider()} finds.
 *
 * <p>Declares {@link Capability#WAL} and {@link Capability#CONCURRENT_WRITES}; a backend whose
 * {@code doPut} is not thread-safe overrides {@link #capabilities()}.
 */
public abstract class AbstractMemTableProvider implements MemTableProvider {

    /** For subclasses. */
    protected AbstractMemTableProvider() {
    }

    @Override
    public abstract AbstractMemTable create(long id);

    @Override
    public Set<Capability> capabilities() {
        return EnumSet.of(Capability.WAL, Capability.CONCURRENT_WRITES);
    }

    @Override
    public final MemTable createWithWal(long id, Path walFile, WalOptions options)
            throws IOException {
        return withLog(id, walFile, options, (logs, table) -> logs.create(walFile, options));
    }

    @Override
    public final MemTable recoverFromWal(long id, Path walFile, WalOptions options)
            throws IOException {
        return withLog(id, walFile, options,
                (logs, table) -> logs.recover(walFile, options, table::applyRecovered));
    }

    /** Opens a log for a new table of this backend; the table is closed if that fails. */
    private interface LogOpener {
        Wal open(WalProvider logs, AbstractMemTable table) throws IOException;
    }

    private MemTable withLog(long id, Path walFile, WalOptions options, LogOpener opener)
            throws IOException {
        Objects.requireNonNull(walFile, "walFile");
        Objects.requireNonNull(options, "options");
        WalProvider logs = MemTables.walProvider();
        AbstractMemTable table = create(id);
        Wal log;
        try {
            log = opener.open(logs, table);
        } catch (IOException | RuntimeException e) {
            closeQuietly(table, e);
            throw e;
        }
        table.attachWal(log, options);
        return table;
    }

    @Override
    public String toString() {
        return name() + " (" + getClass().getName() + ")";
    }

    private static void closeQuietly(AbstractMemTable table, Exception cause) {
        try {
            table.close();
        } catch (IOException | RuntimeException suppressed) {
            cause.addSuppressed(suppressed);
        }
    }
}
