/**
 * The memtable api: the {@link dev.memtable.MemTable} contract, its value types, discovery through
 * {@link dev.memtable.MemTables}, and in {@code dev.memtable.spi} what a backend or a write-ahead
 * log implements.
 */
module dev.memtable.api {
    exports dev.memtable;
    exports dev.memtable.spi;

    uses dev.memtable.spi.MemTableProvider;
    uses dev.memtable.spi.WalProvider;
}
