/**
 * The memtable layer of an LSM tree, over any backend: {@link dev.memtable.set.MemTableSet}.
 * Backends and the write-ahead log are found through the api's discovery; this module requires
 * nothing but the api.
 */
module dev.memtable.set {
    requires transitive dev.memtable.api;

    exports dev.memtable.set;
}
