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
 *   <li>Memory: each version costs its key and value plus a node header of 20 bytes (value
 *       word, sequence, lengths) and 4 bytes per skip-list level (1.33 on average), rounded up
 *       to 8: about 26 bytes with 16-byte keys. Every version of a key is a node of its own;
 *       replaced values stay allocated until the table is closed. An empty table holds about
 *       96 KiB.</li>
 *   <li>Reads never copy: a key or value returned by {@code get} or an iterator is a view of the
 *       chunk it lives in and keeps that chunk (up to 4 MiB) reachable for as long as it is held,
 *       even after the table is closed. Copy what you keep for long.</li>
 *   <li>Capacity: up to 8,191 chunks, that is, about 32 GiB of entries (at least 8 GiB when all
 *       entries are over 1 MiB, which get a chunk each); past it a write throws
 *       {@link IllegalStateException}.</li>
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
     * Creates an empty table; its first chunks are 32 KiB, later ones double up to 4 MiB.
     *
     * @param id the table's id
     */
    @Override
    public AbstractMemTable create(long id) {
        return new ArenaMemTable(id, new Arena("memtable " + id));
    }
}
