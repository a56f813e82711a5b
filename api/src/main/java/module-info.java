/**
 * The memtable api: the {@link dev.memtable.MemTable} contract, its value types, discovery through
 * {@link dev.memtable.MemTables}, and in {@code dev.memtable.spi} what a backend or a write-ahead
 * log implements. It does no file I/O of its own.
 */
module dev.memtable.api {
    exports dev.memtable;
    exports dev.memtable.spi;
    // Helpers the library's own modules share; not for users.
    exports dev.memtable.internal to dev.memtable.set, dev.memtable.wal, dev.memtable.store,
            dev.memtable.cli;

    uses dev.memtable.spi.MemTableProvider;
    uses dev.memtable.spi.WalProvider;
}
