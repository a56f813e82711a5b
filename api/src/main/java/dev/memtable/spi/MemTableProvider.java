package dev.memtable.spi;

import dev.memtable.MemTable;
import dev.memtable.WalOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Set;

/**
 * A memtable backend: the small factory that {@link java.util.ServiceLoader} discovers. A backend
 * module declares {@code provides dev.memtable.spi.MemTableProvider with …} in its
 * {@code module-info.java} and lists the same class in
 * {@code META-INF/services/dev.memtable.spi.MemTableProvider}, so it is found on the module path
 * and on the class path. Users obtain providers through {@link dev.memtable.MemTables}.
 *
 * <p>Most backends extend {@link AbstractMemTableProvider} and {@link AbstractMemTable}, which
 * implement validation, size accounting, closing and the whole write-ahead-log plumbing once, so a
 * backend supplies only its sorted map. Implementations must be thread-safe and have a public
 * no-argument constructor (or a public static {@code provider()} method, on the module path).
 */
public interface MemTableProvider {

    /**
     * Returns the backend's unique, stable name, e.g. {@code "skiplist"} or {@code "treemap"}: the
     * name users select it by. Lower case letters, digits and dashes.
     */
    String name();

    /** Returns the optional capabilities this backend has. The default claims none. */
    default Set<Capability> capabilities() {
        return Set.of();
    }

    /**
     * Creates an empty in-memory table with no write-ahead log.
     *
     * @param id the table's id; ids order tables by age in a memtable set
     */
    MemTable create(long id);

    /**
     * Creates an empty table that logs every write to a new write-ahead log at {@code walFile},
     * with {@link WalOptions#defaults()}.
     *
     * @throws java.nio.file.FileAlreadyExistsException if {@code walFile} exists
     * @throws IOException if the log cannot be created
     * @throws UnsupportedOperationException if the backend lacks {@link Capability#WAL}
     * @throws NullPointerException if {@code walFile} is null
     */
    default MemTable createWithWal(long id, Path walFile) throws IOException {
        return createWithWal(id, walFile, WalOptions.defaults());
    }

    /**
     * Creates an empty table with a new write-ahead log at {@code walFile}, used as
     * {@code options} says.
     *
     * @throws java.nio.file.FileAlreadyExistsException if {@code walFile} exists
     * @throws IOException if the log cannot be created
     * @throws UnsupportedOperationException if the backend lacks {@link Capability#WAL}
     * @throws NullPointerException if an argument is null
     */
    MemTable createWithWal(long id, Path walFile, WalOptions options) throws IOException;

    /**
     * Rebuilds a table from the write-ahead log at {@code walFile} with
     * {@link WalOptions#defaults()}, then keeps appending to that log.
     *
     * @throws java.nio.file.NoSuchFileException if {@code walFile} does not exist
     * @throws dev.memtable.WalCorruptionException if the log is damaged beyond what the recovery
     *     mode tolerates
     * @throws IOException if the log cannot be read or reopened
     * @throws UnsupportedOperationException if the backend lacks {@link Capability#WAL}
     * @throws NullPointerException if {@code walFile} is null
     */
    default MemTable recoverFromWal(long id, Path walFile) throws IOException {
        return recoverFromWal(id, walFile, WalOptions.defaults());
    }

    /**
     * Rebuilds a table from the write-ahead log at {@code walFile}, treating damage as
     * {@code options.recoveryMode()} says, then keeps appending to that log. The rebuilt table's
     * {@link MemTable#approximateSize()} counts every replayed write.
     *
     * @throws java.nio.file.NoSuchFileException if {@code walFile} does not exist
     * @throws dev.memtable.WalCorruptionException if the log is damaged beyond what the recovery
     *     mode tolerates
     * @throws IOException if the log cannot be read or reopened
     * @throws UnsupportedOperationException if the backend lacks {@link Capability#WAL}
     * @throws NullPointerException if an argument is null
     */
    MemTable recoverFromWal(long id, Path walFile, WalOptions options) throws IOException;

    /**
     * Returns this backend with its tables logging through {@code logs} instead of the log
     * implementation found by discovery: the same name, capabilities and kind of table. This
     * provider is unchanged. It is how an engine picks its log implementation and how tests and the
     * conformance kit put a failing or lossy log under a backend; a backend that declares
     * {@link Capability#WAL} must support it ({@link AbstractMemTableProvider} does).
     *
     * @throws NullPointerException if {@code logs} is null
     * @throws UnsupportedOperationException if the backend lacks {@link Capability#WAL}, or (the
     *     default) does not accept a log implementation
     */
    default MemTableProvider withWalProvider(WalProvider logs) {
        java.util.Objects.requireNonNull(logs, "logs");
        throw new UnsupportedOperationException("memtable backend " + name()
                + " does not accept a write-ahead log implementation");
    }
}
