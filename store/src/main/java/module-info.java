/**
 * Where frozen memtables go: {@link dev.memtable.store.Store}, a small durable key-value store
 * over a {@link dev.memtable.set.MemTableSet}, whose background flush writes frozen tables to
 * sorted-run files (format: {@code store/FORMAT.md}) read through one Caffeine block cache, kept
 * in a checksummed manifest and merged when they pile up.
 */
module dev.memtable.store {
    requires transitive dev.memtable.api;
    requires transitive dev.memtable.set;
    requires com.github.benmanes.caffeine;

    exports dev.memtable.store;
}
