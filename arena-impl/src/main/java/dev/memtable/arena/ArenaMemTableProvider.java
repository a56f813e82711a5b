package dev.memtable.arena;

import dev.memtable.spi.AbstractMemTable;
import dev.memtable.spi.AbstractMemTableProvider;

/**
 * The {@code "arena"} backend: a lock-free skip list whose nodes, keys and values are stored
 * inline in large {@code byte[]} chunks, so a table of millions of entries is a few hundred
 * objects, not millions. Found through {@link java.util.ServiceLoader}; use
 * {@code MemTables.provider("arena")}. Declares {@link dev.memtable.spi.Capability#WAL} and
 * {@link dev.memtable.spi.Capability#CONCURRENT_WRITES}.
 *
 * <p>What to expect, beyond the {@link dev.memtable.MemTable} contract (details in the package
 * documentation of {@code dev.memtable.arena}):
 * <ul>
 *   <li>Memory: about 17 bytes per entry beyond its key and value, plus the bytes of every
 *       replaced value, which stay allocated until the table is closed.</li>
 *   <li>Reads never copy: a key or value returned by {@code get} or an iterator is a view of the
 *       chunk it lives in and keeps that chunk (up to 4 MiB) reachable for as long as it is held,
 *       even after the table is closed. Copy what you keep for long.</li>
 *   <li>Capacity: up to 4,095 chunks, that is, about 16 GiB of entries (at least 4 GiB when most
 *       entries are over 1 MiB, which get a chunk each); past it a write throws
 *       {@link IllegalStateException} and changes nothing.</li>
 * </ul>
 *
 * <p>Thread-safe; stateless.
 */
public final class ArenaMemTableProvider extends AbstractMemTableProvider {

    /** The backend's name. */
    public static final String NAME = "arena";

    /** Called by {@link java.util.ServiceLoader}. */
    public ArenaMemTableProvider() {
    }

    @Override
    public String name() {
        return NAME;
    }

    /**
     * Creates an empty table; its first chunk is 64 KiB, later ones double up to 4 MiB.
     *
     * @param id the table's id
     */
    @Override
    public AbstractMemTable create(long id) {
        return new ArenaMemTable(id, new Arena("memtable " + id));
    }
}
