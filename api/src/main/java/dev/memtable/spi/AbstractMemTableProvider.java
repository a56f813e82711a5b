package dev.memtable.spi;

import dev.memtable.MemTable;
import dev.memtable.MemTables;
import dev.memtable.WalOptions;
import dev.memtable.internal.Closeables;
import java.io.IOException;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * The base of a backend's provider: implement {@link #name()} and {@link #create(long)} (returning
 * an {@link AbstractMemTable}), and the write-ahead-log methods work.
 *
 * <h2>The log implementation</h2>
 * A provider built with the no-argument constructor (as {@link java.util.ServiceLoader} builds it)
 * finds the log implementation through {@link MemTables#walProvider()} once, when its first logged
 * table is created or recovered, and keeps it. {@link #withWalProvider(WalProvider)} gives a view
 * of the same backend whose tables log through another implementation: that is how tests and the
 * conformance kit put a failing or lossy log under a backend.
 *
 * <p>Declares {@link Capability#WAL} and {@link Capability#CONCURRENT_WRITES}; a backend whose
 * {@code doPut} is not thread-safe overrides {@link #capabilities()}, and one without
 * {@link Capability#WAL} gets {@link UnsupportedOperationException} from the log methods.
 *
 * <p>Thread-safe, as {@link MemTableProvider} requires.
 */
public abstract class AbstractMemTableProvider implements MemTableProvider {

    /** The log implementation; null until first needed when discovery is to find it. */
    private volatile WalProvider logs;

    /** For subclasses: the log implementation is found through discovery, once, when needed. */
    protected AbstractMemTableProvider() {
    }

    /**
     * For subclasses that are handed their log implementation.
     *
     * @throws NullPointerException if {@code logs} is null
     */
    protected AbstractMemTableProvider(WalProvider logs) {
        this.logs = Objects.requireNonNull(logs, "logs");
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

    /**
     * Returns this backend with its tables logging through {@code logs}: same name, capabilities
     * and tables, and this provider is unchanged.
     *
     * @throws NullPointerException if {@code logs} is null
     * @throws UnsupportedOperationException if the backend lacks {@link Capability#WAL}
     */
    @Override
    public MemTableProvider withWalProvider(WalProvider logs) {
        Objects.requireNonNull(logs, "logs");
        checkWal();
        return new LogBound(this, logs);
    }

    /** Opens a log for a new table of this backend; the table is closed if that fails. */
    private interface LogOpener {
        Wal open(WalProvider logs, AbstractMemTable table) throws IOException;
    }

    private MemTable withLog(long id, Path walFile, WalOptions options, LogOpener opener)
            throws IOException {
        Objects.requireNonNull(walFile, "walFile");
        Objects.requireNonNull(options, "options");
        checkWal();
        WalProvider logs = logs();
        AbstractMemTable table = create(id);
        Wal log;
        try {
            log = opener.open(logs, table);
        } catch (IOException | RuntimeException e) {
            Closeables.closeQuietly(table, e);
            throw e;
        }
        table.attachWal(log, options);
        return table;
    }

    private WalProvider logs() {
        WalProvider l = logs;
        if (l == null) {
            l = MemTables.walProvider();
            logs = l; // racing threads find the same implementation; any one of them may win
        }
        return l;
    }

    private void checkWal() {
        if (!capabilities().contains(Capability.WAL)) {
            throw new UnsupportedOperationException("memtable backend " + name()
                    + " has no write-ahead log (it does not declare Capability.WAL)");
        }
    }

    @Override
    public String toString() {
        return name() + " (" + getClass().getName() + ")";
    }

    /** A backend's view whose tables log through a given implementation. */
    private static final class LogBound extends AbstractMemTableProvider {
        private final AbstractMemTableProvider backend;
        private final WalProvider boundLogs;

        LogBound(AbstractMemTableProvider backend, WalProvider logs) {
            super(logs);
            this.backend = backend;
            this.boundLogs = logs;
        }

        @Override
        public String name() {
            return backend.name();
        }

        @Override
        public Set<Capability> capabilities() {
            return backend.capabilities();
        }

        @Override
        public AbstractMemTable create(long id) {
            return backend.create(id);
        }

        @Override
        public String toString() {
            return backend + " logging through " + boundLogs.name();
        }
    }
}
