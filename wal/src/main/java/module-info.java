/** The write-ahead log: checksummed records, group-committed fsync, recovery. */
module dev.memtable.wal {
    requires dev.memtable.api;
}
