/**
 * The write-ahead log: checksummed, length-prefixed records (see {@code wal/FORMAT.md}),
 * group-committed fsyncs, and recovery with torn-tail, strict and salvage modes. It exports
 * nothing: tables reach it through {@link dev.memtable.spi.WalProvider}, which
 * {@link dev.memtable.MemTables#walProvider()} discovers.
 */
module dev.memtable.wal {
    requires dev.memtable.api;

    provides dev.memtable.spi.WalProvider with dev.memtable.wal.FileWalProvider;
}
