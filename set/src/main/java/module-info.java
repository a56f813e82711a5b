/**
 * The memtable layer of an LSM tree, over any backend: {@link dev.memtable.set.MemTableSet}.
 * Backends and the write-ahead log are found through the api's discovery; this module requires
 * the api, and fastutil for the sorted multiset of open snapshots.
 */
module dev.memtable.set {
    requires transitive dev.memtable.api;
    requires it.unimi.dsi.fastutil;

    exports dev.memtable.set;
}
