/** The memtable backend on a {@link java.util.TreeMap} guarded by a read-write lock. */
module dev.memtable.treemap {
    requires dev.memtable.api;

    provides dev.memtable.spi.MemTableProvider
            with dev.memtable.treemap.TreeMapMemTableProvider;
}
