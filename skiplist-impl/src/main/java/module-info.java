/** The lock-free memtable backend on {@link java.util.concurrent.ConcurrentSkipListMap}. */
module dev.memtable.skiplist {
    requires dev.memtable.api;

    provides dev.memtable.spi.MemTableProvider
            with dev.memtable.skiplist.SkipListMemTableProvider;
}
