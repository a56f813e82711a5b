/**
 * The arena memtable backend: a lock-free skip list whose nodes, keys and values are stored
 * inline in large byte-array chunks, addressed by 32-bit offsets, with no object per entry. Its
 * implementation package is not exported; use it through {@code MemTables.provider("arena")}.
 */
module dev.memtable.arena {
    requires dev.memtable.api;

    provides dev.memtable.spi.MemTableProvider
            with dev.memtable.arena.ArenaMemTableProvider;
}
